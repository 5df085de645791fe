import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import yauzl from 'yauzl';

/** A ZIP opened for random access (yauzl): the directory in memory, each file read as a stream. */
export class ZipReader {
  private constructor(
    private readonly zip: yauzl.ZipFile,
    /** Every entry by name; a name present twice is kept in `duplicates`. */
    readonly entries: Map<string, yauzl.Entry>,
    readonly duplicates: string[],
  ) {}

  static async open(file: string): Promise<ZipReader> {
    const zip = await yauzl.openPromise(file, { lazyEntries: true, autoClose: false, strictFileNames: true, validateEntrySizes: true });
    const entries = new Map<string, yauzl.Entry>();
    const duplicates: string[] = [];
    try {
      for await (const entry of zip.eachEntry()) {
        if (entries.has(entry.fileName)) duplicates.push(entry.fileName);
        entries.set(entry.fileName, entry);
      }
    } catch (err) {
      zip.close();
      throw err;
    }
    return new ZipReader(zip, entries, duplicates);
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  async stream(name: string): Promise<Readable> {
    const entry = this.entries.get(name);
    if (!entry) throw new Error(`${name} is not in the archive`);
    return this.zip.openReadStreamPromise(entry);
  }

  /** A whole (small) file; refuses one larger than `max` bytes. */
  async read(name: string, max = 64 * 1024 * 1024): Promise<Buffer> {
    const entry = this.entries.get(name);
    if (entry && entry.uncompressedSize > max) throw new Error(`${name} is larger than ${max} bytes`);
    const chunks: Buffer[] = [];
    for await (const chunk of await this.stream(name)) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }

  /** SHA-256 and size of a file, read as a stream. */
  async digest(name: string): Promise<{ sha256: string; size: number }> {
    const hash = createHash('sha256');
    let size = 0;
    for await (const chunk of await this.stream(name)) {
      hash.update(chunk as Buffer);
      size += (chunk as Buffer).length;
    }
    return { sha256: hash.digest('hex'), size };
  }

  /** Lines of a text file, streamed. */
  async *lines(name: string): AsyncGenerator<string> {
    const decoder = new StringDecoder('utf8');
    let rest = '';
    for await (const chunk of await this.stream(name)) {
      const parts = (rest + decoder.write(chunk as Buffer)).split('\n');
      rest = parts.pop()!;
      for (const p of parts) if (p) yield p;
    }
    if (rest) yield rest;
  }

  close(): void {
    this.zip.close();
  }
}
