import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteAdapter, SqliteDialect, sql, type DialectAdapter } from 'kysely';
import { Pool, types as pgTypes } from 'pg';
import type { Database } from './schema';

export type Db = Kysely<Database>;
export type DialectName = 'sqlite' | 'postgres';

export interface DatabaseHandle {
  db: Db;
  dialect: DialectName;
  /** Human-readable location without credentials, for logs. */
  describe: string;
  close(): Promise<void>;
}

/** SQLite runs DDL inside transactions; saying so makes Kysely's migrator roll back a failed migration. */
class TransactionalSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}

class TransactionalSqliteDialect extends SqliteDialect {
  override createAdapter(): DialectAdapter {
    return new TransactionalSqliteAdapter();
  }
}

// COUNT(*) and BIGINT arrive as strings from pg; every number this schema keeps fits a double.
pgTypes.setTypeParser(pgTypes.builtins.INT8, (v) => Number(v));

/**
 * Opens the database: PostgreSQL when `databaseUrl` is set, otherwise the SQLite file
 * `DATA_DIR/sutne.db` (WAL, so readers never wait for the writer).
 */
export function openDatabase(opts: { databaseUrl?: string | undefined; dataDir: string; poolSize?: number }): DatabaseHandle {
  if (opts.databaseUrl) {
    const pool = new Pool({ connectionString: opts.databaseUrl, max: opts.poolSize ?? 10 });
    // An idle client losing its connection must not crash the process; the next query reports it.
    pool.on('error', () => undefined);
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    const u = new URL(opts.databaseUrl);
    return {
      db,
      dialect: 'postgres',
      describe: `postgres://${u.host}${u.pathname}`,
      close: () => db.destroy(),
    };
  }
  fs.mkdirSync(opts.dataDir, { recursive: true });
  const file = path.join(opts.dataDir, 'sutne.db');
  const sqlite = new BetterSqlite3(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  const db = new Kysely<Database>({ dialect: new TransactionalSqliteDialect({ database: sqlite }) });
  return { db, dialect: 'sqlite', describe: `sqlite:${file}`, close: () => db.destroy() };
}

/** Cheap round trip for readiness checks. */
export async function pingDatabase(db: Db): Promise<void> {
  await sql`select 1`.execute(db);
}
