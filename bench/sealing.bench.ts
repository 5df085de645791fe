/** Encryption at rest: sealed blob put/get of a 10 MiB file and case-data sealing, beside the plain store in the same run. */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { AesGcmSealer, DataKeys, FsBlobStore, SealedBlobStore } from '../src/store';
import { medianMs, report } from './report';

const MiB = 1024 * 1024;

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sutne-bench-'));
  try {
    const keys = new DataKeys('k1', randomBytes(32));
    const plain = new FsBlobStore(path.join(dir, 'plain'));
    const sealed = new SealedBlobStore(new FsBlobStore(path.join(dir, 'sealed')), keys);
    const file = randomBytes(10 * MiB);
    const chunks = () => Readable.from((function* () {
      for (let i = 0; i < file.length; i += 64 * 1024) yield file.subarray(i, i + 64 * 1024);
    })());
    const putPlain = await medianMs(() => plain.put(chunks()), 10, 2);
    const putSealed = await medianMs(() => sealed.put(chunks()), 10, 2);
    report({ name: 'blob put 10 MiB sealed vs plain, median', value: putSealed, unit: 'ms', baseline: putPlain });
    const p = await plain.put(file);
    const s = await sealed.put(file);
    const drain = async (r: Readable) => { for await (const _ of r) void _; };
    const getPlain = await medianMs(async () => drain(await plain.stream(p.key)), 10, 2);
    const getSealed = await medianMs(async () => drain(await sealed.stream(s.key)), 10, 2);
    report({ name: 'blob stream 10 MiB sealed vs plain, median', value: getSealed, unit: 'ms', baseline: getPlain });

    const sealer = new AesGcmSealer(keys);
    const caseJson = JSON.stringify({ situation: 'x'.repeat(8000) });
    const sealMs = await medianMs(() => sealer.open(sealer.seal(caseJson)), 2000, 200);
    const copyMs = await medianMs(() => JSON.parse(caseJson), 2000, 200);
    report({ name: 'seal+open 8 KB case JSON vs JSON.parse, median', value: sealMs, unit: 'ms', baseline: copyMs });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

void main();
