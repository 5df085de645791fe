import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { FsBlobStore } from '../../src/store';

describe('file-system blob store', () => {
  let root: string;
  let store: FsBlobStore;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'sutne-blobs-'));
    store = new FsBlobStore(root);
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  const files = () => fs.readdirSync(root, { recursive: true, withFileTypes: true }).filter((d) => d.isFile()).map((d) => d.name);

  it('addresses content by its SHA-256 and gives the same bytes back', async () => {
    const data = Buffer.from('Pielikumā: ārsta izziņa\n'.repeat(1000));
    const sha = createHash('sha256').update(data).digest('hex');
    const stored = await store.put(Readable.from([data.subarray(0, 100), data.subarray(100)]));
    expect(stored).toEqual({ key: sha, sha256: sha, size: data.length });
    expect(await store.get(sha)).toEqual(data);
    expect(await store.has(sha)).toBe(true);
    expect((await store.put(data)).key).toBe(sha);
    expect(files()).toEqual([sha]);
  });

  it('leaves nothing behind when the source stream fails midway', async () => {
    const failing = new Readable({
      read() {
        this.push(Buffer.alloc(64 * 1024, 1));
        this.destroy(new Error('client went away'));
      },
    });
    await expect(store.put(failing)).rejects.toThrow('client went away');
    expect(files()).toEqual([]);
  });

  it('answers NOT_FOUND for a missing or malformed key, never a path outside its root', async () => {
    await expect(store.get('0'.repeat(64))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(store.get('../../etc/passwd')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(store.stream('a'.repeat(64))).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('deletes', async () => {
    const { key } = await store.put(Buffer.from('x'));
    await store.delete(key);
    expect(await store.has(key)).toBe(false);
  });
});
