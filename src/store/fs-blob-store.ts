import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AppError } from '../errors';
import { Sha256Meter } from '../sha256-meter';
import type { BlobStore, StoredBlob } from './blob-store';

const KEY = /^[0-9a-f]{64}$/;

/**
 * Blobs as files under `root`, named by the SHA-256 of their bytes (`ab/cd/abcd…`). Writes go to
 * a temporary file first and are renamed into place, so a reader never sees half a file and a
 * failed write leaves nothing.
 */
export class FsBlobStore implements BlobStore {
  private readonly tmpDir: string;

  constructor(private readonly root: string) {
    this.tmpDir = path.join(root, 'tmp');
    fs.mkdirSync(this.tmpDir, { recursive: true });
  }

  async put(data: Buffer | Readable): Promise<StoredBlob> {
    const tmp = path.join(this.tmpDir, `${process.pid}-${randomBytes(8).toString('hex')}`);
    const source = Buffer.isBuffer(data) ? Readable.from([data]) : data;
    const measure = new Sha256Meter();
    const out = fs.createWriteStream(tmp, { flags: 'wx', mode: 0o600 });
    try {
      await pipeline(source, measure, out);
      const { sha256: key, size } = measure.result();
      const final = this.pathOf(key);
      await fsp.mkdir(path.dirname(final), { recursive: true });
      await fsp.rename(tmp, final);
      return { key, sha256: key, size };
    } catch (err) {
      // A source that fails at once can beat the file's opening: removed before it was created,
      // the file would appear afterwards. Wait until the stream has let the file go.
      if (!out.closed) await new Promise<void>((resolve) => out.once('close', () => resolve()));
      await fsp.rm(tmp, { force: true });
      throw err;
    }
  }

  async get(key: string): Promise<Buffer> {
    try {
      return await fsp.readFile(this.pathOf(key));
    } catch (err) {
      throw notFound(key, err);
    }
  }

  async stream(key: string): Promise<Readable> {
    const file = this.pathOf(key);
    try {
      await fsp.access(file);
    } catch (err) {
      throw notFound(key, err);
    }
    return fs.createReadStream(file);
  }

  async has(key: string): Promise<boolean> {
    try {
      await fsp.access(this.pathOf(key));
      return true;
    } catch {
      return false;
    }
  }

  async delete(key: string): Promise<void> {
    await fsp.rm(this.pathOf(key), { force: true });
  }

  async ping(): Promise<void> {
    const probe = path.join(this.tmpDir, `ping-${process.pid}-${randomBytes(4).toString('hex')}`);
    await fsp.writeFile(probe, 'ok');
    await fsp.rm(probe, { force: true });
  }

  private pathOf(key: string): string {
    if (!KEY.test(key)) throw new AppError('NOT_FOUND', 'No such stored file.');
    return path.join(this.root, key.slice(0, 2), key.slice(2, 4), key);
  }
}

function notFound(key: string, cause: unknown): AppError {
  return new AppError('NOT_FOUND', `Stored file ${key.slice(0, 12)}… is missing.`, undefined, { cause });
}
