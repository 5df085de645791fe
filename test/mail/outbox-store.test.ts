import path from 'node:path';
import {
  claimDueLetters,
  enqueueLetter,
  FsBlobStore,
  migrateToLatest,
  openDatabase,
  outboxCounts,
  plainSealer,
  recordDelivered,
  recordFailed,
  recordRetry,
  renewLeases,
  requeueFailedLetter,
  type DatabaseHandle,
} from '../../src/store';
import { AuditLog } from '../../src/audit';
import { addInstitution } from '../../src/institutions';
import { createTestDatabase, dialects, type TestDatabase } from '../support/databases';
import { schoolInstitution } from '../support/service';
import { seedSignedLetter } from './fixtures';

const T0 = Date.parse('2026-03-02T08:00:00.000Z');
const at = (ms: number) => new Date(T0 + ms).toISOString();
const envelope = { from: 'sutne@localhost', to: ['a@example.lv'], accepted: [] };

describe.each(dialects)('outbox store on %s', (dialect) => {
  let tdb: TestDatabase;
  let handle: DatabaseHandle;
  let institutionId: string;
  const clock = { now: () => new Date(T0) };

  beforeEach(async () => {
    tdb = await createTestDatabase(dialect);
    handle = openDatabase({ databaseUrl: tdb.databaseUrl, dataDir: tdb.dataDir });
    await migrateToLatest(handle.db);
    institutionId = await addInstitution({ db: handle.db, clock, audit: new AuditLog(handle.db, clock) }, schoolInstitution, 'test');
  });
  afterEach(async () => {
    await handle.close();
    await tdb.drop();
  });

  const queued = async (n: number, whenMs = 0): Promise<string[]> => {
    const deps = { db: handle.db, blobs: new FsBlobStore(path.join(tdb.dataDir, 'blobs')), clock, sealer: plainSealer };
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      const { letterId } = await seedSignedLetter(deps, { institutionId, materials: [] });
      const ok = await enqueueLetter(handle.db, {
        letterId, institutionId, messageId: `<m${i}@x>`, emlKey: 'k', emlSha256: 's', envelope, at: at(whenMs),
      });
      expect(ok).toBe(true);
      ids.push(letterId);
    }
    return ids;
  };
  const row = (id: string) => handle.db.selectFrom('letters').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const claim = (owner: string, nowMs: number, limit = 10, leaseMs = 60_000) =>
    claimDueLetters(handle.db, { now: at(nowMs), leaseUntil: at(nowMs + leaseMs), owner, limit });

  it('queues only a signed letter, once', async () => {
    const [id] = await queued(1);
    expect(await enqueueLetter(handle.db, { letterId: id!, institutionId, messageId: '<other@x>', emlKey: 'k2', emlSha256: 's2', envelope, at: at(5) })).toBe(false);
    const r = await row(id!);
    expect(r).toMatchObject({ status: 'queued', message_id: '<m0@x>', eml_key: 'k', attempts: 0, next_attempt_at: at(0), queued_at: at(0) });
  });

  it('claims due letters only, counting the attempt and taking a lease', async () => {
    const [now] = await queued(1, 0);
    const [later] = await queued(1, 10_000);
    const got = await claim('w1', 1000);
    expect(got.map((g) => g.letterId)).toEqual([now]);
    expect(got[0]).toMatchObject({ attempts: 1, messageId: '<m0@x>', emlKey: 'k', emlSha256: 's', envelope, institutionId });
    expect(await row(now!)).toMatchObject({ status: 'sending', lease_owner: 'w1', locked_until: at(61_000), attempts: 1 });
    expect((await row(later!)).status).toBe('queued');
    expect(await claim('w2', 2000)).toEqual([]);
    await queued(3, 0);
    expect(await claim('w3', 3000, 2)).toHaveLength(2);
    expect(await claim('w4', 3000, 2)).toHaveLength(1);
  });

  it('gives a letter whose lease ran out to another worker, and then only the new holder can record the outcome', async () => {
    const [id] = await queued(1);
    await claim('dead', 0, 10, 5000);
    expect(await claim('w2', 4999)).toEqual([]);
    const again = await claim('w2', 5001);
    expect(again.map((g) => [g.letterId, g.attempts])).toEqual([[id, 2]]);
    const outcome = { letterId: id!, at: at(6000), envelope, response: '250 ok', transport: 'smtp', note: null };
    expect(await recordDelivered(handle.db, { ...outcome, owner: 'dead' })).toBe(false);
    expect(await recordDelivered(handle.db, { ...outcome, owner: 'w2' })).toBe(true);
    expect(await row(id!)).toMatchObject({ status: 'sent', sent_at: at(6000), smtp_response: '250 ok', transport: 'smtp', lease_owner: null, locked_until: null });
    expect(await recordDelivered(handle.db, { ...outcome, owner: 'w2' })).toBe(false);
  });

  it('renews only the leases a worker holds', async () => {
    const [a, b] = await queued(2);
    await claim('w1', 0, 1, 1000);
    await claim('w2', 0, 1, 1000);
    expect(await renewLeases(handle.db, 'w1', at(90_000))).toBe(1);
    const mine = (await row(a!)).lease_owner === 'w1' ? a! : b!;
    const theirs = mine === a ? b! : a!;
    expect((await row(mine)).locked_until).toBe(at(90_000));
    expect((await row(theirs)).locked_until).toBe(at(1000));
    expect((await claim('w3', 2000)).map((g) => g.letterId)).toEqual([theirs]);
  });

  it('records a retry and a failure with the error and the server answer; a signer can re-queue a failed letter', async () => {
    const [id] = await queued(1);
    await claim('w', 0);
    expect(await recordRetry(handle.db, { letterId: id!, owner: 'w', at: at(1), envelope, response: '451 later', error: 'EMESSAGE 451: later', nextAttemptAt: at(30_000), transport: 'smtp' })).toBe(true);
    expect(await row(id!)).toMatchObject({ status: 'queued', next_attempt_at: at(30_000), last_error: 'EMESSAGE 451: later', smtp_response: '451 later', attempts: 1 });
    expect(await claim('w', 29_999)).toEqual([]);
    await claim('w', 30_000);
    expect(await recordFailed(handle.db, { letterId: id!, owner: 'w', at: at(30_001), envelope, response: '554 no', error: 'EMESSAGE 554: no', transport: 'smtp' })).toBe(true);
    expect(await row(id!)).toMatchObject({ status: 'failed', attempts: 2, last_error: 'EMESSAGE 554: no', next_attempt_at: null });
    expect(await outboxCounts(handle.db)).toEqual({ queued: 0, sending: 0, failed: 1 });

    expect(await requeueFailedLetter(handle.db, { letterId: id!, institutionId: 'other', at: at(40_000) })).toBe(false);
    expect(await requeueFailedLetter(handle.db, { letterId: id!, institutionId, at: at(40_000) })).toBe(true);
    expect(await row(id!)).toMatchObject({ status: 'queued', attempts: 0, message_id: '<m0@x>', eml_key: 'k', next_attempt_at: at(40_000) });
    expect(await requeueFailedLetter(handle.db, { letterId: id!, institutionId, at: at(40_000) })).toBe(false);
  });

  it('never hands one letter to two workers claiming at the same time', async () => {
    const ids = await queued(30);
    const owners = ['w1', 'w2', 'w3', 'w4', 'w5'];
    const taken = new Map<string, string[]>();
    for (let round = 0; round < 10; round++) {
      const results = await Promise.all(owners.map((o) => claim(o, 1000 + round, 4)));
      results.forEach((items, i) => items.forEach((it) => taken.set(it.letterId, [...(taken.get(it.letterId) ?? []), owners[i]!])));
    }
    expect([...taken.keys()].sort()).toEqual([...ids].sort());
    expect([...taken.values()].filter((o) => o.length !== 1)).toEqual([]);
    for (const [id, [owner]] of taken) expect((await row(id)).lease_owner).toBe(owner);
  });
});
