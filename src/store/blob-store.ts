import type { Readable } from 'node:stream';

/** What `BlobStore.put` kept. */
export interface StoredBlob {
  /** Address of the stored bytes; pass it to `get`, `stream` and `delete`. */
  key: string;
  /** SHA-256 (hex) of the bytes as given to `put`. */
  sha256: string;
  /** Size in bytes of the bytes as given to `put`. */
  size: number;
}

/**
 * Content-addressed storage for PDFs, work materials and sent messages. The file-system store
 * is the default; an S3-compatible store implements the same five methods.
 */
export interface BlobStore {
  /**
   * Stores bytes and answers their address. A stream that errors (an aborted upload, a limit hit
   * by a transform upstream) leaves nothing behind and rejects with the stream's error.
   */
  put(data: Buffer | Readable): Promise<StoredBlob>;
  get(key: string): Promise<Buffer>;
  stream(key: string): Promise<Readable>;
  has(key: string): Promise<boolean>;
  delete(key: string): Promise<void>;
  /** Proves the store can be written and read now (readiness). */
  ping(): Promise<void>;
}
