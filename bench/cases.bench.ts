/**
 * Cases in: validating and routing a case, storing it, and streaming work materials — each beside
 * the least the same work could cost in the same run (a JSON round trip, a plain insert, the blob
 * store alone, an HTTP server that only drains the body).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { createApiKey } from '../src/access';
import { createCase, newCaseUpload, parseCase, prepareCase } from '../src/cases';
import { loadConfig } from '../src/config';
import { createDeps, type Deps } from '../src/deps';
import { createApp } from '../src/http';
import { addInstitution } from '../src/institutions';
import { FsBlobStore } from '../src/store';
import { medianMs, report } from './report';

const MiB = 1024 * 1024;
const example = JSON.parse(fs.readFileSync(path.join(__dirname, '../test/fixtures/cases/case-social-problems.json'), 'utf8'));
const school = {
  id: 'bench-skola', kind: 'school', name: 'Bench skola', regNo: '4312900001', address: 'Skolas iela 3, Aizkraukle', email: 'skola@example.lv', registerPrefix: '1-1',
};

/** A "PDF" of `size` bytes, in 64 KiB chunks, made on the fly. */
function pdfStream(size: number): Readable {
  const body = randomBytes(64 * 1024);
  const first = Buffer.concat([Buffer.from('%PDF-1.7\n'), body.subarray(9)]);
  return Readable.from((function* () {
    for (let sent = 0; sent < size; sent += body.length) yield sent === 0 ? first : body.subarray(0, Math.min(body.length, size - sent));
  })());
}

async function timeMs(fn: () => Promise<unknown>): Promise<number> {
  const t = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t) / 1e6;
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sutne-bench-cases-'));
  const deps: Deps = await createDeps(loadConfig({ SUTNE_ENV: 'test', DATA_DIR: dir, LOG_LEVEL: 'silent', UPLOAD_MAX_FILE_BYTES: String(200 * MiB), UPLOAD_MAX_CASE_BYTES: String(400 * MiB) }));
  try {
    await addInstitution(deps, school, 'bench');
    const principal = { kind: 'cli' as const, id: 'bench', institutionId: school.id, role: 'system' as const };

    const text = JSON.stringify(example);
    const validate = await medianMs(() => prepareCase(deps.scheme, 'school', parseCase(deps, JSON.parse(text))), 2000, 200);
    const roundTrip = await medianMs(() => JSON.stringify(JSON.parse(text)), 2000, 200);
    report({ name: 'case validate + route, median', value: validate * 1000, unit: 'µs', baseline: roundTrip * 1000 });

    const data = parseCase(deps, example);
    const create = await medianMs(() => createCase(deps, principal, data), 300, 30);
    const plain = await medianMs(
      () => deps.db.insertInto('cases').values({ id: randomUUID(), institution_id: school.id, external_reference: null, data: text, routing: '{}', child_name_hash: null, created_by: 'bench', created_at: new Date().toISOString(), purged_at: null }).execute(),
      300, 30);
    report({ name: 'createCase (sqlite, with routing and audit), median', value: create, unit: 'ms', baseline: plain });

    const size = 64 * MiB;
    const raw = new FsBlobStore(path.join(dir, 'raw-blobs'));
    const rawMs = await timeMs(() => raw.put(pdfStream(size)));
    const upload = newCaseUpload(deps, principal);
    const inspectedMs = await timeMs(() => upload.add('bench.pdf', pdfStream(size)));
    report({ name: 'work material 64 MiB into storage (type, limits, SHA-256)', value: size / MiB / (inspectedMs / 1000), unit: 'MiB/s', baseline: size / MiB / (rawMs / 1000) });
    await upload.discard();

    await httpUpload(deps, principal);
  } finally {
    await deps.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** A 128 MiB multipart upload over HTTP: throughput beside a server that only drains, and the memory it takes. */
async function httpUpload(deps: Deps, principal: { institutionId: string }): Promise<void> {
  const size = 128 * MiB;
  const { key } = await createApiKey(deps, { institutionId: principal.institutionId, role: 'clerk' }, 'bench');
  const caseId = (await createCase(deps, { kind: 'cli', id: 'bench', institutionId: principal.institutionId, role: 'system' }, parseCase(deps, example))).id;
  const app = http.createServer(createApp(deps).app);
  const drain = http.createServer((req, res) => req.on('end', () => res.end('{}')).resume());
  const listen = (s: http.Server) => new Promise<number>((r) => s.listen(0, '127.0.0.1', () => r((s.address() as AddressInfo).port)));
  const [appPort, drainPort] = [await listen(app), await listen(drain)];
  const boundary = 'benchboundary';
  const send = (port: number, p: string) =>
    new Promise<number>((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: p, headers: { Authorization: `Bearer ${key}`, 'Content-Type': `multipart/form-data; boundary=${boundary}` } }, (res) => {
        res.resume().on('end', () => resolve(res.statusCode!));
      });
      req.on('error', reject);
      const body = Readable.from((async function* () {
        yield Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="liels.pdf"\r\n\r\n`);
        for await (const c of pdfStream(size)) yield c as Buffer;
        yield Buffer.from(`\r\n--${boundary}--\r\n`);
      })());
      body.pipe(req);
    });
  const baselineMs = await timeMs(() => send(drainPort, '/'));
  global.gc?.();
  const before = process.memoryUsage().rss;
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
  let status = 0;
  const uploadMs = await timeMs(async () => (status = await send(appPort, `/api/v1/cases/${caseId}/attachments`)));
  clearInterval(sampler);
  if (status !== 201) throw new Error(`upload answered ${status}`);
  report({ name: 'HTTP multipart upload 128 MiB', value: size / MiB / (uploadMs / 1000), unit: 'MiB/s', baseline: size / MiB / (baselineMs / 1000) });
  report({ name: 'HTTP multipart upload 128 MiB: peak memory growth', value: (peak - before) / MiB, unit: 'MiB', baseline: size / MiB });
  app.close();
  drain.close();
}

void main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
