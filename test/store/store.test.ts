import { sql, type Kysely } from 'kysely';
import { AuditLog } from '../../src/audit';
import { systemClock } from '../../src/clock';
import { migrations } from '../../src/store/migrations';
import {
  findActiveApiKeyByHash,
  insertApiKey,
  migrateToLatest,
  openDatabase,
  revokeApiKey,
  type DatabaseHandle,
} from '../../src/store';
import { createTestDatabase, dialects, type TestDatabase } from '../support/databases';

describe.each(dialects)('store on %s', (dialect) => {
  let tdb: TestDatabase;
  let handle: DatabaseHandle;

  beforeEach(async () => {
    tdb = await createTestDatabase(dialect);
    handle = openDatabase({ databaseUrl: tdb.databaseUrl, dataDir: tdb.dataDir });
  });
  afterEach(async () => {
    await handle.close();
    await tdb.drop();
  });

  const tables = async (): Promise<string[]> => {
    const meta = await handle.db.introspection.getTables();
    return meta.map((t) => t.name).filter((n) => !n.startsWith('schema_migrations')).sort();
  };

  it('migrates an empty database, and a second run changes nothing', async () => {
    const first = await migrateToLatest(handle.db);
    expect(first.applied).toEqual(Object.keys(migrations));
    expect(await tables()).toEqual(expect.arrayContaining(['institutions', 'api_keys', 'letters', 'audit_log']));
    const second = await migrateToLatest(handle.db);
    expect(second.applied).toEqual([]);
  });

  it('rolls a failed migration back, leaving the database as it was', async () => {
    await migrateToLatest(handle.db);
    const before = await tables();
    const broken = {
      ...migrations,
      '9999-01-01-001-broken': {
        up: async (db: Kysely<unknown>) => {
          await db.schema.createTable('half_made').addColumn('id', 'text').execute();
          await sql`select * from no_such_table`.execute(db);
        },
      },
    };
    await expect(migrateToLatest(handle.db, broken)).rejects.toThrow(/9999-01-01-001-broken failed and was rolled back/);
    expect(await tables()).toEqual(before);
    const ran = await sql<{ name: string }>`select name from schema_migrations`.execute(handle.db);
    expect(ran.rows.map((r) => r.name)).toEqual(Object.keys(migrations));
  });

  describe('with the schema', () => {
    beforeEach(async () => {
      await migrateToLatest(handle.db);
      await handle.db
        .insertInto('institutions')
        .values({ id: 'a', kind: 'school', name: 'A', reg_no: '4312900001', address: 'x', email: 'a@example.lv', phone: null, register_prefix: '1', settings: '{}', created_at: '2026-01-01T00:00:00.000Z' })
        .execute();
    });

    it('finds a live key by hash and not once revoked', async () => {
      await insertApiKey(handle.db, { id: 'k1', institutionId: 'a', role: 'clerk', name: null, keyHash: 'h1', keyPrefix: 'sutne_abc', createdAt: '2026-01-01T00:00:00.000Z' });
      expect(await findActiveApiKeyByHash(handle.db, 'h1')).toMatchObject({ id: 'k1', role: 'clerk', institutionId: 'a' });
      expect(await revokeApiKey(handle.db, 'other-institution', 'k1', '2026-01-02T00:00:00.000Z')).toBe(false);
      expect(await revokeApiKey(handle.db, 'a', 'k1', '2026-01-02T00:00:00.000Z')).toBe(true);
      expect(await findActiveApiKeyByHash(handle.db, 'h1')).toBeUndefined();
    });

    it('chains audit entries in order under concurrent appends and verifies them', async () => {
      const audit = new AuditLog(handle.db, systemClock);
      await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          audit.record({ action: 'case.created', actor: 'test', institutionId: 'a', object: { type: 'case', id: `c${i}` } }),
        ),
      );
      const rows = await handle.db.selectFrom('audit_log').select(['n']).where('institution_id', '=', 'a').orderBy('n').execute();
      expect(rows.map((r) => r.n)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
      expect(await audit.verify()).toEqual({ valid: true, entries: 20 });
    });

    it('names the first altered, deleted or inserted audit entry', async () => {
      const audit = new AuditLog(handle.db, systemClock);
      for (let i = 0; i < 5; i++) await audit.record({ action: 'letter.sent', actor: 'test', institutionId: 'a', object: { type: 'letter', id: `l${i}` } });

      await handle.db.updateTable('audit_log').set({ object_id: 'forged' }).where('n', '=', 3).execute();
      expect(await audit.verify('a')).toMatchObject({ valid: false, firstBadEntry: { n: 3, reason: expect.stringMatching(/altered/) } });
      await handle.db.updateTable('audit_log').set({ object_id: 'l2' }).where('n', '=', 3).execute();
      expect((await audit.verify('a')).valid).toBe(true);

      await handle.db.deleteFrom('audit_log').where('n', '=', 2).execute();
      expect(await audit.verify('a')).toMatchObject({ valid: false, firstBadEntry: { n: 3, reason: expect.stringMatching(/missing/) } });
    });

    it('notices entries cut off the end of the chain', async () => {
      const audit = new AuditLog(handle.db, systemClock);
      for (let i = 0; i < 3; i++) await audit.record({ action: 'case.read', actor: 'test', institutionId: 'a' });
      await handle.db.deleteFrom('audit_log').where('n', '=', 3).execute();
      expect(await audit.verify()).toMatchObject({ valid: false, firstBadEntry: { n: 3 } });
    });
  });
});
