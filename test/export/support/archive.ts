import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Response } from 'supertest';
import yazl from 'yazl';
import { ZipReader } from '../../../src/export/zip-reader';

/** supertest: keep a binary answer as a Buffer. */
export function binary(res: Response, cb: (err: Error | null, body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
}

export function tempFile(name: string, data?: Buffer): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sutne-zip-')), name);
  if (data) fs.writeFileSync(file, data);
  return file;
}

/** Every file of an archive, read whole (small test archives only). */
export async function unzipAll(file: string): Promise<Map<string, Buffer>> {
  const zip = await ZipReader.open(file);
  try {
    const out = new Map<string, Buffer>();
    for (const name of zip.entries.keys()) out.set(name, await zip.read(name));
    return out;
  } finally {
    zip.close();
  }
}

/** Writes a copy of an archive with files changed, removed (undefined) or added — as a forger would. */
export async function rezip(file: string, changes: Record<string, Buffer | undefined>): Promise<string> {
  const files = await unzipAll(file);
  for (const [name, data] of Object.entries(changes)) {
    if (data === undefined) files.delete(name);
    else files.set(name, data);
  }
  const zip = new yazl.ZipFile();
  for (const [name, data] of files) zip.addBuffer(data, name);
  zip.end();
  const out = tempFile('forged.zip');
  await new Promise<void>((resolve, reject) => {
    zip.outputStream.pipe(fs.createWriteStream(out)).on('finish', resolve).on('error', reject);
  });
  return out;
}
