import pino from 'pino';
import { AuditLog, anchorChain, auditAnchorWorker, checkChain, entryHash, GENESIS_HASH } from '../../src/audit';
import { systemClock } from '../../src/clock';
import { listAuditAnchors, migrateToLatest, openDatabase, readAuditChain, type DatabaseHandle } from '../../src/store';
import { createTestDatabase, dialects, type TestDatabase } from '../support/databases';
import { createOpensslTsa, type OpensslTsa } from './support/openssl-tsa';

describe.each(dialects)('audit chain anchored by a TSA on %s', (dialect) => {
  let tdb: TestDatabase;
  let handle: DatabaseHandle;
  let audit: AuditLog;
  let tsa: OpensslTsa;
  const ctx = () => ({ db: handle.db, clock: systemClock, audit, tsa });

  beforeAll(() => {
    tsa = createOpensslTsa();
  });
  afterAll(() => tsa.cleanup());
  beforeEach(async () => {
    tdb = await createTestDatabase(dialect);
    handle = openDatabase({ databaseUrl: tdb.databaseUrl, dataDir: tdb.dataDir });
    await migrateToLatest(handle.db);
    audit = new AuditLog(handle.db, systemClock);
    tsa.down = false;
  });
  afterEach(async () => {
    await handle.close();
    await tdb.drop();
  });

  const write = async (institutionId: string, count: number) => {
    for (let i = 0; i < count; i++) {
      await audit.record({ action: 'letter.sent', actor: 'test', institutionId, object: { type: 'letter', id: `${institutionId}-l${i}` } });
    }
  };

  /** What someone with write access to the database alone could do: rewrite from entry `from` on and recompute every hash. */
  const rewriteFrom = async (institutionId: string, from: number) => {
    const entries = [];
    for await (const e of readAuditChain(handle.db, institutionId)) entries.push(e);
    let prev = from === 1 ? GENESIS_HASH : entries[from - 2]!.hash;
    for (const e of entries.slice(from - 1)) {
      const forged = { ...e, objectId: e.n === from ? 'forged' : e.objectId };
      const hash = entryHash(prev, forged);
      await handle.db.updateTable('audit_log').set({ object_id: forged.objectId, prev_hash: prev, hash }).where('institution_id', '=', institutionId).where('n', '=', e.n).execute();
      prev = hash;
    }
    await handle.db.updateTable('audit_heads').set({ hash: prev }).where('institution_id', '=', institutionId).execute();
  };

  it('time-stamps the head, keeps the token and records the anchoring', async () => {
    await write('a', 4);
    const anchor = await anchorChain(ctx(), 'a', 'test');
    expect(anchor).toMatchObject({ institutionId: 'a', n: 4, tsa: 'Test TSA' });
    expect(Buffer.from(anchor!.token, 'base64')[0]).toBe(0x30);
    expect(await listAuditAnchors(handle.db, 'a')).toEqual([anchor]);
    const report = await audit.check('a', { verifier: tsa });
    expect(report).toMatchObject({ valid: true, entries: 5 });
    expect(report.institutions[0]!.anchors).toMatchObject({ count: 1, tokensVerified: 1, tokensChecked: true, lastAnchoredN: 4, unanchoredEntries: 1 });
    const last = (await handle.db.selectFrom('audit_log').selectAll().where('n', '=', 5).executeTakeFirstOrThrow());
    expect(last).toMatchObject({ action: 'audit.anchored', object_type: 'audit_anchor', object_id: anchor!.id });
    expect(JSON.parse(last.details)).toEqual({ n: 4 });
    expect(await anchorChain(ctx(), 'empty', 'test')).toBeUndefined();
  });

  it('catches a chain rewritten with recomputed hashes, which the chain alone cannot', async () => {
    await write('a', 6);
    await anchorChain(ctx(), 'a', 'test');
    await write('a', 2);
    await rewriteFrom('a', 3);
    const alone = await checkChain(readAuditChain(handle.db, 'a'));
    expect(alone.valid).toBe(true);
    const report = await audit.verify('a', { verifier: tsa });
    expect(report).toMatchObject({ valid: false, firstBadEntry: { institutionId: 'a', n: 1, reason: expect.stringMatching(/entries 1–6 were rewritten/) } });
  });

  it('names the span after the last good anchor, and refuses a forged anchor', async () => {
    await write('a', 3);
    await anchorChain(ctx(), 'a', 'test'); // covers 1–3, recorded as 4
    await write('a', 3);
    const second = (await anchorChain(ctx(), 'a', 'test'))!; // covers 1–7
    await rewriteFrom('a', 6);
    expect(await audit.verify('a')).toMatchObject({ valid: false, firstBadEntry: { n: 4, reason: expect.stringMatching(/entries 4–7 were rewritten/) } });

    // Moving the anchor to the forged head needs a token over it, which only the TSA can make.
    const forgedHead = (await handle.db.selectFrom('audit_log').select('hash').where('institution_id', '=', 'a').where('n', '=', 7).executeTakeFirstOrThrow()).hash;
    await handle.db.updateTable('audit_anchors').set({ head_hash: forgedHead }).where('id', '=', second.id).execute();
    expect(await audit.verify('a')).toMatchObject({ valid: true }); // without checking tokens the forgery passes…
    expect(await audit.verify('a', { verifier: tsa })).toMatchObject({
      valid: false,
      firstBadEntry: { n: 4, reason: expect.stringMatching(/time-stamp over entry 7 does not verify/) },
    });
  });

  it('notices a deleted anchor from the entry that recorded it', async () => {
    await write('a', 2);
    const anchor = (await anchorChain(ctx(), 'a', 'test'))!;
    await handle.db.deleteFrom('audit_anchors').where('id', '=', anchor.id).execute();
    expect(await audit.verify('a')).toMatchObject({ valid: false, firstBadEntry: { n: 3, reason: expect.stringMatching(/missing \(deleted\)/) } });
  });

  it('answers TSA_UNAVAILABLE and records nothing when the TSA is down', async () => {
    await write('a', 2);
    tsa.down = true;
    await expect(anchorChain(ctx(), 'a', 'test')).rejects.toMatchObject({ code: 'TSA_UNAVAILABLE' });
    expect(await listAuditAnchors(handle.db, 'a')).toEqual([]);
    expect((await audit.verify('a')).entries).toBe(2);
  });

  it('anchors, at intervals, only the chains that grew since their last anchor', async () => {
    audit.useTimestamps({ tsa, verifier: tsa });
    const worker = auditAnchorWorker({ db: handle.db, audit, logger: pino({ level: 'silent' }) }, 60);
    await write('a', 2);
    await write('b', 1);
    expect(await worker.runOnce()).toBe(2);
    expect(await worker.runOnce()).toBe(0); // only the records of the anchoring itself are new
    await write('b', 1);
    expect(await worker.runOnce()).toBe(1);
    expect((await listAuditAnchors(handle.db, 'b')).map((a) => a.n)).toEqual([1, 3]);
    tsa.down = true;
    await write('a', 1);
    expect(await worker.runOnce()).toBe(0);
    tsa.down = false;
    expect(await worker.runOnce()).toBe(1);
    expect((await audit.check(undefined, { verifier: tsa })).valid).toBe(true);
    worker.start();
    await worker.stop();
  });
});
