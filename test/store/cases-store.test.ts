import {
  attachmentTotals,
  claimIdempotencyKey,
  completeIdempotencyKey,
  findAttachment,
  findCase,
  findIdempotencyRecord,
  insertAttachments,
  insertCase,
  isBlobReferenced,
  listAttachments,
  lockCase,
  migrateToLatest,
  openDatabase,
  purgeIdempotencyKeys,
  releaseIdempotencyKey,
  type DatabaseHandle,
  type StoredAttachmentRow,
} from '../../src/store';
import { createTestDatabase, dialects, type TestDatabase } from '../support/databases';

describe.each(dialects)('case, attachment and idempotency records on %s', (dialect) => {
  let tdb: TestDatabase;
  let handle: DatabaseHandle;
  const t0 = '2026-11-25T10:00:00.000Z';

  beforeAll(async () => {
    tdb = await createTestDatabase(dialect);
    handle = openDatabase({ databaseUrl: tdb.databaseUrl, dataDir: tdb.dataDir });
    await migrateToLatest(handle.db);
    for (const id of ['a', 'b']) {
      await handle.db
        .insertInto('institutions')
        .values({ id, kind: 'school', name: id, reg_no: '4312900001', address: 'x', email: `${id}@example.lv`, phone: null, register_prefix: id, settings: '{}', created_at: t0 })
        .execute();
    }
    await insertCase(handle.db, { id: 'c1', institutionId: 'a', externalReference: 'R-1', data: 'sealed-data', routing: 'sealed-routing', childNameHash: 'h', createdBy: 'key:k', createdAt: t0 });
  });
  afterAll(async () => {
    await handle.close();
    await tdb.drop();
  });

  const attachment = (id: string, position: number, size: number, blobKey = `blob-${id}`): StoredAttachmentRow => ({
    id, caseId: 'c1', institutionId: 'a', filename: `sealed-${id}`, contentType: 'application/pdf', size, sha256: `sha-${id}`, blobKey, position, createdBy: 'key:k', createdAt: t0,
  });

  it("finds a case only within its institution, and locks only one's own", async () => {
    expect(await findCase(handle.db, 'a', 'c1')).toEqual({
      id: 'c1', institutionId: 'a', externalReference: 'R-1', data: 'sealed-data', routing: 'sealed-routing', childNameHash: 'h', createdBy: 'key:k', createdAt: t0, purgedAt: null,
    });
    expect(await findCase(handle.db, 'b', 'c1')).toBeUndefined();
    await handle.db.transaction().execute(async (trx) => {
      expect(await lockCase(trx, 'a', 'c1')).toBe(true);
      expect(await lockCase(trx, 'b', 'c1')).toBe(false);
    });
  });

  it('lists work materials in order, totals them, and knows which blobs are in use', async () => {
    expect(await attachmentTotals(handle.db, 'c1')).toEqual({ count: 0, bytes: 0, lastPosition: 0 });
    await insertAttachments(handle.db, [attachment('x2', 2, 200), attachment('x1', 1, 100, 'shared')]);
    expect((await listAttachments(handle.db, 'a', 'c1')).map((r) => r.id)).toEqual(['x1', 'x2']);
    expect(await listAttachments(handle.db, 'b', 'c1')).toEqual([]);
    expect(await attachmentTotals(handle.db, 'c1')).toEqual({ count: 2, bytes: 300, lastPosition: 2 });
    expect(await findAttachment(handle.db, 'a', 'c1', 'x1')).toMatchObject({ filename: 'sealed-x1', blobKey: 'shared', position: 1, size: 100 });
    expect(await findAttachment(handle.db, 'b', 'c1', 'x1')).toBeUndefined();
    expect(await isBlobReferenced(handle.db, 'shared')).toBe(true);
    expect(await isBlobReferenced(handle.db, 'nobody')).toBe(false);
  });

  it('claims a key once per institution, keeps the answer, and forgets only the record it was asked to', async () => {
    const claim = (institutionId: string, createdAt = t0) => claimIdempotencyKey(handle.db, { institutionId, key: 'k1', scope: 'POST /x', requestHash: 'h', createdAt });
    expect(await claim('a')).toBe(true);
    expect(await claim('a')).toBe(false);
    expect(await claim('b')).toBe(true);
    expect(await findIdempotencyRecord(handle.db, 'a', 'k1')).toMatchObject({ status: null, response: null, scope: 'POST /x' });
    await completeIdempotencyKey(handle.db, { institutionId: 'a', key: 'k1', requestHash: 'h2', status: 201, response: 'sealed' });
    expect(await findIdempotencyRecord(handle.db, 'a', 'k1')).toMatchObject({ status: 201, response: 'sealed', requestHash: 'h2' });
    await releaseIdempotencyKey(handle.db, 'a', 'k1', '2026-11-25T11:00:00.000Z');
    expect(await findIdempotencyRecord(handle.db, 'a', 'k1')).toBeDefined();
    await releaseIdempotencyKey(handle.db, 'a', 'k1', t0);
    expect(await findIdempotencyRecord(handle.db, 'a', 'k1')).toBeUndefined();
    expect(await findIdempotencyRecord(handle.db, 'b', 'k1')).toBeDefined();
    expect(await purgeIdempotencyKeys(handle.db, '2026-11-26T00:00:00.000Z')).toBe(1);
  });
});

describe.each(dialects)('migrations landing out of order on %s', (dialect) => {
  it('runs a migration numbered before ones already run', async () => {
    const { migrations } = await import('../../src/store/migrations');
    const tdb = await createTestDatabase(dialect);
    const handle = openDatabase({ databaseUrl: tdb.databaseUrl, dataDir: tdb.dataDir });
    try {
      const withoutCases = Object.fromEntries(Object.entries(migrations).filter(([name]) => !name.includes('-030-')));
      await migrateToLatest(handle.db, withoutCases);
      expect((await migrateToLatest(handle.db)).applied).toEqual(['2026-11-25-030-case-routing']);
    } finally {
      await handle.close();
      await tdb.drop();
    }
  });
});
