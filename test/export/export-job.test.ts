import { Writable } from 'node:stream';
import { prepareExport } from '../../src/export';
import { findExport, finishExport, recordExportProgress } from '../../src/store';
import { createOpensslTsa, type OpensslTsa } from '../audit/support/openssl-tsa';
import { dialects } from '../support/databases';
import { startTestService, type TestService } from '../support/service';
import { insertFixtureLetter, sha256 } from './support/fixtures';

/** The end of central directory record that closes every ZIP (yazl writes no comment). */
const endOfArchive = (b: Buffer) => b.length >= 22 && b.readUInt32LE(b.length - 22) === 0x06054b50;

describe.each(dialects)('export job state on %s', (dialect) => {
  let svc: TestService;
  let tsa: OpensslTsa;
  let school: string;

  beforeAll(async () => {
    tsa = createOpensslTsa();
    svc = await startTestService(dialect);
    svc.deps.audit.useTimestamps({ tsa, verifier: tsa });
    school = await svc.addInstitution();
    for (let i = 0; i < 3; i++) await insertFixtureLetter(svc.deps, { institutionId: school, createdAt: `2026-03-0${i + 2}T09:00:00.000Z` });
  });
  afterAll(async () => {
    await svc.close();
    tsa.cleanup();
  });

  it('is done, with the archive\'s SHA-256, by the time the reader has the whole archive', async () => {
    const prepared = await prepareExport(svc.deps, { institutionId: school, filters: {}, by: 'test' });
    const chunks: Buffer[] = [];
    const seenAtEnd: Array<Awaited<ReturnType<typeof findExport>>> = [];
    // A reader that, the moment it holds the complete archive, asks for the job — as a web page
    // polling GET /exports/{id} right after its download ends would.
    const reader = new Writable({
      write(chunk: Buffer, _enc, done) {
        chunks.push(chunk);
        const all = Buffer.concat(chunks);
        if (!endOfArchive(all)) return done();
        findExport(svc.deps.db, school, prepared.id).then((job) => {
          seenAtEnd.push(job);
          done();
        }, done);
      },
    });
    const result = await prepared.writeTo(reader);
    const archive = Buffer.concat(chunks);
    expect(seenAtEnd).toHaveLength(1);
    expect(seenAtEnd[0]).toMatchObject({ state: 'done', lettersDone: 3, lettersTotal: 3, bytesWritten: archive.length, sha256: sha256(archive), errorCode: null });
    expect(result).toMatchObject({ lettersDone: 3, bytesWritten: archive.length, sha256: sha256(archive) });
  });

  it('is failed when the reader goes away, and a later progress write does not revive it', async () => {
    const prepared = await prepareExport(svc.deps, { institutionId: school, filters: {}, by: 'test' });
    const reader = new Writable({
      write(_chunk, _enc, done) {
        done(new Error('the reader went away'));
      },
    });
    await expect(prepared.writeTo(reader)).rejects.toThrow();
    const failed = await findExport(svc.deps.db, school, prepared.id);
    expect(failed).toMatchObject({ state: 'failed' });
    expect(await recordExportProgress(svc.deps.db, prepared.id, { lettersDone: 3, bytesWritten: 1, updatedAt: new Date().toISOString() })).toBe(false);
    expect(await findExport(svc.deps.db, school, prepared.id)).toEqual(failed);
  });

  it('keeps the final state and counts whatever progress writes race with the completion', async () => {
    const prepared = await prepareExport(svc.deps, { institutionId: school, filters: {}, by: 'test' });
    const db = svc.deps.db;
    const at = () => new Date().toISOString();
    const progress = (i: number) => recordExportProgress(db, prepared.id, { lettersDone: i % 3, bytesWritten: i, updatedAt: at() });
    const final = { state: 'done', lettersDone: 3, bytesWritten: 5000, sha256: 'f'.repeat(64), errorCode: null };

    // In flight together: whichever order the database runs them in, the completion's counts stand.
    const [ended] = await Promise.all([
      finishExport(db, prepared.id, { state: 'done', lettersDone: 3, bytesWritten: 5000, sha256: 'f'.repeat(64), at: at() }),
      ...Array.from({ length: 20 }, (_, i) => progress(i)),
    ]);
    expect(ended).toBe(true);
    expect(await findExport(db, school, prepared.id)).toMatchObject(final);

    // Late writes after it — progress and a second ending — change nothing.
    const late = await Promise.all([
      ...Array.from({ length: 20 }, (_, i) => progress(i)),
      finishExport(db, prepared.id, { state: 'failed', errorCode: 'ABORTED', at: at() }),
    ]);
    expect(late).toEqual(Array(21).fill(false));
    expect(await findExport(db, school, prepared.id)).toMatchObject(final);
  });
});
