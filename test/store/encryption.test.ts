import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { loadConfig } from '../../src/config';
import { createDeps } from '../../src/deps';
import { AesGcmSealer, DataKeys, FsBlobStore, SealedBlobStore, SealError } from '../../src/store';
import { SEGMENT_BYTES } from '../../src/store/sealed-blob-store';

const k1 = randomBytes(32);
const k2 = randomBytes(32);
const caseJson = JSON.stringify({ child: { fullName: 'Anna Bērziņa', personalCode: '010115-10011' }, situation: 'Skolā neierodas' });

describe('sealing case data (AES-256-GCM)', () => {
  const sealer = new AesGcmSealer(new DataKeys('k1', k1));

  it('stores no plaintext, names its key, and opens again', () => {
    const stored = sealer.seal(caseJson);
    expect(stored).toMatch(/^sutne-sealed:v1:k1:[A-Za-z0-9_-]+$/);
    expect(stored).not.toContain('Bērziņa');
    expect(stored).not.toContain('010115');
    expect(sealer.open(stored)).toBe(caseJson);
    expect(sealer.seal(caseJson)).not.toBe(stored);
  });

  it('opens data sealed under an older key after rotation, and seals under the new one', () => {
    const old = sealer.seal(caseJson);
    const rotated = new AesGcmSealer(new DataKeys('k2', k2, new Map([['k1', k1]])));
    expect(rotated.open(old)).toBe(caseJson);
    expect(rotated.seal(caseJson)).toMatch(/^sutne-sealed:v1:k2:/);
  });

  it('fails clearly with a missing key, the wrong key, altered data, or unsealed data', () => {
    const stored = sealer.seal(caseJson);
    const withoutK1 = new AesGcmSealer(new DataKeys('k2', k2));
    expect(() => withoutK1.open(stored)).toThrow(/data key "k1", which is not configured\. Add it to DATA_KEYS_OLD/);
    const wrongK1 = new AesGcmSealer(new DataKeys('k1', k2));
    expect(() => wrongK1.open(stored)).toThrow(SealError);
    expect(() => wrongK1.open(stored)).toThrow(/does not open with data key "k1"/);
    const body = Buffer.from(stored.split(':')[3]!, 'base64url');
    body[20] ^= 1;
    expect(() => sealer.open(`sutne-sealed:v1:k1:${body.toString('base64url')}`)).toThrow(/altered/);
    // The key id is authenticated: relabelling a row to another key does not open it.
    const relabelled = new AesGcmSealer(new DataKeys('k2', k1, new Map([['k1', k1]])));
    expect(() => relabelled.open(stored.replace(':k1:', ':k2:'))).toThrow(SealError);
    expect(() => sealer.open(caseJson)).toThrow(/stored unencrypted although DATA_KEY is set/);
  });
});

describe('sealed blob store (streaming AES-256-GCM)', () => {
  let root: string;
  let inner: FsBlobStore;
  let store: SealedBlobStore;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'sutne-sealed-'));
    inner = new FsBlobStore(root);
    store = new SealedBlobStore(inner, new DataKeys('k1', k1));
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

  it.each([
    ['empty', 0],
    ['small', 100],
    ['exactly one segment', SEGMENT_BYTES],
    ['several segments and a tail', 3 * SEGMENT_BYTES + 17],
  ])('keeps a %s file encrypted, answers the plaintext hash and size, and gives the bytes back', async (_name, size) => {
    const marker = Buffer.from('Anna Bērziņa 010115-10011 ');
    const data = Buffer.alloc(size);
    for (let i = 0; i < size; i += marker.length) marker.copy(data, i, 0, Math.min(marker.length, size - i));
    const stored = await store.put(Readable.from(chunksOf(data, 7000)));
    expect(stored.sha256).toBe(sha(data));
    expect(stored.size).toBe(size);
    const raw = await inner.get(stored.key);
    expect(stored.key).toBe(sha(raw));
    expect(raw.includes(Buffer.from('Bērziņa'))).toBe(false);
    expect(raw.length).toBeGreaterThan(size);
    expect((await store.get(stored.key)).equals(data)).toBe(true);
    const streamed: Buffer[] = [];
    for await (const c of await store.stream(stored.key)) streamed.push(c as Buffer);
    expect(Buffer.concat(streamed).equals(data)).toBe(true);
    expect(await store.keyIdOf(stored.key)).toBe('k1');
  });

  it('never holds a whole file in memory: output starts before the input ends', async () => {
    let produced = 0;
    let storedBytesWhileProducing = 0;
    const total = 40 * SEGMENT_BYTES;
    const source = new Readable({
      read() {
        if (produced >= total) return this.push(null);
        produced += SEGMENT_BYTES;
        if (produced === total) storedBytesWhileProducing = dirBytes(path.join(root, 'tmp'));
        this.push(Buffer.alloc(SEGMENT_BYTES, 7));
      },
    });
    const stored = await store.put(source);
    expect(stored.size).toBe(total);
    // Most of the ciphertext was already on disk before the source ended.
    expect(storedBytesWhileProducing).toBeGreaterThan(total / 2);
  });

  it('opens files sealed under an older key, and refuses a missing or wrong key', async () => {
    const data = randomBytes(150_000);
    const { key } = await store.put(data);
    const rotated = new SealedBlobStore(inner, new DataKeys('k2', k2, new Map([['k1', k1]])));
    expect((await rotated.get(key)).equals(data)).toBe(true);
    await expect(new SealedBlobStore(inner, new DataKeys('k2', k2)).get(key)).rejects.toThrow(/"k1", which is not configured/);
    await expect(new SealedBlobStore(inner, new DataKeys('k1', k2)).get(key)).rejects.toThrow(/does not open with data key "k1"/);
  });

  it('detects altered, truncated and unsealed files', async () => {
    const data = randomBytes(3 * SEGMENT_BYTES);
    const { key } = await store.put(data);
    const raw = await inner.get(key);

    const altered = Buffer.from(raw);
    altered[altered.length - 40]! ^= 1;
    await expect(store.get((await inner.put(altered)).key)).rejects.toThrow(SealError);

    // Cut at a segment boundary: the last remaining segment was not sealed as the last one.
    const headerLength = raw.length - 3 * (SEGMENT_BYTES + 16);
    const truncated = raw.subarray(0, headerLength + 2 * (SEGMENT_BYTES + 16));
    await expect(store.get((await inner.put(truncated)).key)).rejects.toThrow(SealError);

    const plain = await inner.put(Buffer.from('not sealed'));
    await expect(store.get(plain.key)).rejects.toThrow(/not a sealed blob/);
  });

  it('leaves nothing behind when the source fails midway', async () => {
    const failing = new Readable({
      read() {
        this.push(Buffer.alloc(200_000, 1));
        this.destroy(new Error('client went away'));
      },
    });
    await expect(store.put(failing)).rejects.toThrow('client went away');
    expect(dirBytes(root)).toBe(0);
  });
});

describe('wiring', () => {
  it('encrypts case data and files when DATA_KEY is set, and not otherwise', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sutne-wiring-'));
    try {
      const plain = await createDeps(loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent' }));
      expect(plain.sealer.encrypts).toBe(false);
      await plain.close();
      const sealed = await createDeps(
        loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent', DATA_KEY: k2.toString('base64'), DATA_KEY_ID: 'k2', DATA_KEYS_OLD: `k1:${k1.toString('base64')}` }),
      );
      try {
        expect(sealed.sealer.encrypts).toBe(true);
        expect(sealed.sealer.open(new AesGcmSealer(new DataKeys('k1', k1)).seal('x'))).toBe('x');
        const { key } = await sealed.blobs.put(Buffer.from('Anna Bērziņa'));
        expect(fs.readFileSync(path.join(dataDir, 'blobs', key.slice(0, 2), key.slice(2, 4), key)).includes('Bērziņa')).toBe(false);
      } finally {
        await sealed.close();
      }
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

function* chunksOf(data: Buffer, n: number): Generator<Buffer> {
  for (let i = 0; i < data.length; i += n) yield data.subarray(i, i + n);
}

function dirBytes(dir: string): number {
  if (!fs.existsSync(dir)) return 0;
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .reduce((sum, d) => sum + fs.statSync(path.join(d.parentPath, d.name)).size, 0);
}
