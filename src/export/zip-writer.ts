import { Readable } from 'node:stream';
import yazl from 'yazl';
import { Sha256Meter } from '../sha256-meter';

/** What was written for one file: the SHA-256 and size of its uncompressed bytes. */
export interface WrittenFile {
  path: string;
  sha256: string;
  size: number;
}

/**
 * A ZIP written as a stream (yazl; ZIP64 where sizes need it). Files are added one at a time and
 * each `add` resolves once its bytes have gone into the archive, so a caller that awaits each
 * holds one file's buffers at most, whatever the archive's size.
 */
export class ZipWriter {
  private readonly zip = new yazl.ZipFile();
  /** The archive's bytes. */
  readonly output: Readable;
  private readonly aborted: Promise<never>;
  private fail!: (err: Error) => void;

  constructor(private readonly mtime: Date) {
    this.output = this.zip.outputStream as Readable;
    this.aborted = new Promise<never>((_resolve, reject) => (this.fail = reject));
    this.aborted.catch(() => undefined);
    this.zip.on('error', (err: Error) => this.abort(err));
  }

  /** Stops the archive (its reader went away, or a source failed): every pending `add` rejects. */
  abort(err: Error): void {
    this.fail(err);
    this.output.destroy(err);
  }

  /** Adds bytes in memory (small files: metadata, README). */
  addBuffer(path: string, data: Buffer, compress: boolean): Promise<WrittenFile> {
    return this.addStream(path, Readable.from([data]), compress);
  }

  /** Adds a stream; resolves when all of it is in the archive, rejects if the source fails. */
  async addStream(path: string, source: Readable, compress: boolean): Promise<WrittenFile> {
    const meter = new Sha256Meter();
    // yazl asks for the stream only when the entry before it is done. It keeps every entry (and
    // so this callback) until the central directory is written: the callback must not keep the
    // stream, or every file's last buffers would stay in memory to the end.
    const handoff: { stream?: Sha256Meter } = { stream: meter };
    this.zip.addReadStreamLazy(path, { mtime: this.mtime, compress }, (cb) => {
      const stream = handoff.stream!;
      delete handoff.stream;
      cb(null, stream);
    });
    const copied = new Promise<void>((resolve, reject) => {
      // Once the meter has been read to its end, its bytes are in the archive, not only fed to it.
      meter.once('end', resolve);
      meter.once('error', reject);
      source.once('error', reject);
    });
    source.pipe(meter);
    try {
      await Promise.race([copied, this.aborted]);
    } catch (err) {
      source.destroy();
      meter.destroy();
      throw err;
    }
    return { path, ...meter.result() };
  }

  /** No more files: writes the central directory. */
  end(): void {
    this.zip.end();
  }
}
