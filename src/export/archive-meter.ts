import type { TransformCallback } from 'node:stream';
import { Sha256Meter } from '../sha256-meter';

/**
 * Hashes and counts the archive on its way to the reader, and holds its last chunk back until
 * `beforeLast` (recording the finished job with the archive's SHA-256) has run. A reader that has
 * the whole archive therefore always finds the job done; if `beforeLast` fails, the reader never
 * gets a complete archive.
 */
export class ArchiveMeter extends Sha256Meter {
  private held: Buffer | undefined;

  constructor(private readonly beforeLast: (archive: { sha256: string; size: number }) => Promise<void>) {
    super();
  }

  override _transform(chunk: Buffer, encoding: BufferEncoding, done: TransformCallback): void {
    super._transform(chunk, encoding, (err) => {
      const previous = this.held;
      this.held = chunk;
      done(err, previous);
    });
  }

  override _flush(done: TransformCallback): void {
    this.beforeLast(this.result()).then(
      () => done(null, this.held),
      (err: unknown) => done(err instanceof Error ? err : new Error(String(err))),
    );
  }
}
