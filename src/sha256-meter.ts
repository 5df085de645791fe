import { createHash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';

/**
 * A pass-through stream that hashes (SHA-256) and counts the bytes going through it, so a file
 * is measured while it is copied instead of being read twice.
 */
export class Sha256Meter extends Transform {
  private readonly hash = createHash('sha256');
  private bytes = 0;
  private digest: string | undefined;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    done(null, chunk);
  }

  /** Bytes that went through so far. */
  get size(): number {
    return this.bytes;
  }

  /** What went through, once all of it has (the digest is final after the first call). */
  result(): { sha256: string; size: number } {
    this.digest ??= this.hash.digest('hex');
    return { sha256: this.digest, size: this.bytes };
  }
}
