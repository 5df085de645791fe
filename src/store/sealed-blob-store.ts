import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';
import { pipeline, Readable, Transform, type TransformCallback } from 'node:stream';
import type { BlobStore, StoredBlob } from './blob-store';
import { SealError, type DataKeys } from './data-keys';

const MAGIC = Buffer.from('SUTNEBLB', 'latin1');
const VERSION = 1;
const SALT_BYTES = 16;
const TAG_BYTES = 16;
/** Plaintext per segment: each is authenticated before any of it is released. */
export const SEGMENT_BYTES = 64 * 1024;

/**
 * Encrypts every blob under the data key, streaming, so no file is ever held whole in memory.
 *
 * Layout: `SUTNEBLB ‖ version ‖ keyIdLength ‖ keyId ‖ salt(16)`, then segments of up to 64 KiB of
 * plaintext, each AES-256-GCM ciphertext ‖ tag. A per-file key is derived from the data key and
 * the random salt (HKDF-SHA256), so the nonce can be the segment counter plus a last-segment flag:
 * reordered, dropped or truncated segments fail to open, and the header (with the key id) is the
 * authenticated data of every segment. `put` answers the plaintext's SHA-256 and size; `key` is
 * the address of the stored ciphertext.
 */
export class SealedBlobStore implements BlobStore {
  constructor(private readonly inner: BlobStore, private readonly keys: DataKeys) {}

  async put(data: Buffer | Readable): Promise<StoredBlob> {
    const source = Buffer.isBuffer(data) ? Readable.from([data]) : data;
    const sealer = new SealTransform(this.keys.currentId, this.keys.current);
    // pipeline destroys the sealer with the source's error, so the inner store sees it and keeps nothing.
    pipeline(source, sealer, () => undefined);
    const stored = await this.inner.put(sealer);
    return { key: stored.key, sha256: sealer.sha256(), size: sealer.size };
  }

  async get(key: string): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const chunk of await this.stream(key)) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }

  async stream(key: string): Promise<Readable> {
    const stored = await this.inner.stream(key);
    const opener = new OpenTransform(this.keys);
    return pipeline(stored, opener, () => undefined);
  }

  has(key: string): Promise<boolean> {
    return this.inner.has(key);
  }

  delete(key: string): Promise<void> {
    return this.inner.delete(key);
  }

  ping(): Promise<void> {
    return this.inner.ping();
  }

  /** The id of the data key a stored blob was sealed under (for rotation). */
  async keyIdOf(key: string): Promise<string> {
    const stored = await this.inner.stream(key);
    let head = Buffer.alloc(0);
    try {
      for await (const chunk of stored) {
        head = Buffer.concat([head, chunk as Buffer]);
        const parsed = parseHeader(head);
        if (parsed) return parsed.keyId;
      }
    } finally {
      stored.destroy();
    }
    throw new SealError(`Stored file ${key.slice(0, 12)}… is not a sealed blob.`);
  }
}

function fileKey(dataKey: Buffer, salt: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', dataKey, salt, 'sutne blob v1', 32));
}

function nonce(index: number, last: boolean): Buffer {
  const n = Buffer.alloc(12);
  n.writeUInt32BE(index, 7);
  n[11] = last ? 1 : 0;
  return n;
}

function header(keyId: string, salt: Buffer): Buffer {
  const id = Buffer.from(keyId, 'utf8');
  return Buffer.concat([MAGIC, Buffer.from([VERSION, id.length]), id, salt]);
}

function parseHeader(buf: Buffer): { keyId: string; salt: Buffer; length: number } | undefined {
  if (buf.length < MAGIC.length + 2) return undefined;
  if (!buf.subarray(0, MAGIC.length).equals(MAGIC) || buf[MAGIC.length] !== VERSION) {
    throw new SealError('Stored file is not a sealed blob: it was written before DATA_KEY was set (see SECURITY.md, "Keys and their rotation").');
  }
  const idLength = buf[MAGIC.length + 1]!;
  const length = MAGIC.length + 2 + idLength + SALT_BYTES;
  if (buf.length < length) return undefined;
  const keyId = buf.subarray(MAGIC.length + 2, MAGIC.length + 2 + idLength).toString('utf8');
  return { keyId, salt: buf.subarray(length - SALT_BYTES, length), length };
}

class SealTransform extends Transform {
  private readonly hash = createHash('sha256');
  private readonly key: Buffer;
  private readonly aad: Buffer;
  private pending: Buffer = Buffer.alloc(0);
  private index = 0;
  size = 0;

  constructor(keyId: string, dataKey: Buffer) {
    super();
    const salt = randomBytes(SALT_BYTES);
    this.key = fileKey(dataKey, salt);
    this.aad = header(keyId, salt);
    this.push(this.aad);
  }

  sha256(): string {
    return this.hash.digest('hex');
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.hash.update(chunk);
    this.size += chunk.length;
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    // Keep at least one byte back: only `_flush` knows which segment is the last.
    while (this.pending.length > SEGMENT_BYTES) {
      this.push(this.segment(this.pending.subarray(0, SEGMENT_BYTES), false));
      this.pending = this.pending.subarray(SEGMENT_BYTES);
    }
    done();
  }

  override _flush(done: TransformCallback): void {
    this.push(this.segment(this.pending, true));
    done();
  }

  private segment(plain: Buffer, last: boolean): Buffer {
    const cipher = createCipheriv('aes-256-gcm', this.key, nonce(this.index++, last));
    cipher.setAAD(this.aad);
    return Buffer.concat([cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
  }
}

class OpenTransform extends Transform {
  private key: Buffer | undefined;
  private aad: Buffer | undefined;
  private keyId = '';
  private pending: Buffer = Buffer.alloc(0);
  private index = 0;

  constructor(private readonly keys: DataKeys) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    try {
      this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
      if (!this.key) {
        const parsed = parseHeader(this.pending);
        if (!parsed) return done();
        this.keyId = parsed.keyId;
        this.key = fileKey(this.keys.get(parsed.keyId), parsed.salt);
        this.aad = Buffer.from(this.pending.subarray(0, parsed.length));
        this.pending = this.pending.subarray(parsed.length);
      }
      while (this.pending.length > SEGMENT_BYTES + TAG_BYTES) {
        this.push(this.segment(this.pending.subarray(0, SEGMENT_BYTES + TAG_BYTES), false));
        this.pending = this.pending.subarray(SEGMENT_BYTES + TAG_BYTES);
      }
      done();
    } catch (err) {
      done(err as Error);
    }
  }

  override _flush(done: TransformCallback): void {
    try {
      if (!this.key || this.pending.length < TAG_BYTES) throw new SealError('Stored file is truncated.');
      this.push(this.segment(this.pending, true));
      done();
    } catch (err) {
      done(err as Error);
    }
  }

  private segment(sealed: Buffer, last: boolean): Buffer {
    const decipher = createDecipheriv('aes-256-gcm', this.key!, nonce(this.index++, last));
    decipher.setAAD(this.aad!);
    decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
    try {
      return Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - TAG_BYTES)), decipher.final()]);
    } catch (err) {
      throw new SealError(
        `Stored file does not open with data key "${this.keyId}": the key is not the one it was sealed with, or the file was altered or truncated.`,
        { cause: err },
      );
    }
  }
}
