/**
 * The data keys encryption at rest uses: the current one seals, every one (current and older,
 * by id) opens. Keys are 32 bytes for AES-256.
 */
export class DataKeys {
  private readonly byId: ReadonlyMap<string, Buffer>;

  constructor(readonly currentId: string, current: Buffer, older: ReadonlyMap<string, Buffer> = new Map()) {
    for (const [id, key] of [[currentId, current] as const, ...older]) {
      if (key.length !== 32) throw new Error(`Data key "${id}" must be 32 bytes, not ${key.length}.`);
    }
    this.byId = new Map([...older, [currentId, current]]);
  }

  get current(): Buffer {
    return this.byId.get(this.currentId)!;
  }

  /** The key with this id, or a clear error saying how to supply it. */
  get(id: string): Buffer {
    const key = this.byId.get(id);
    if (!key) {
      throw new SealError(
        `This data was encrypted under data key "${id}", which is not configured. Add it to DATA_KEYS_OLD as "${id}:<base64 key>".`,
      );
    }
    return key;
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }
}

/**
 * Stored data cannot be opened: a missing key, the wrong key, or bytes altered at rest. Not an
 * AppError on purpose: callers see an internal error, operators see this message in the log.
 */
export class SealError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SealError';
  }
}
