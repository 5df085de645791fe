import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';

/** Both dialects every store test runs against. */
export const dialects = ['sqlite', 'postgres'] as const;
export type TestDialect = (typeof dialects)[number];

/** Where the test PostgreSQL server is (CI and these machines: 127.0.0.1:5432, trust auth). */
export const adminPgUrl = process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  dialect: TestDialect;
  /** DATABASE_URL for PostgreSQL; undefined for SQLite. */
  databaseUrl: string | undefined;
  /** A fresh directory for DATA_DIR (the SQLite file, blobs, PKI). */
  dataDir: string;
  /** Drops the database and removes the directory. */
  drop(): Promise<void>;
}

/** A fresh, empty database of the given dialect, never shared with another test file or run. */
export async function createTestDatabase(dialect: TestDialect): Promise<TestDatabase> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sutne-test-'));
  if (dialect === 'sqlite') {
    return { dialect, databaseUrl: undefined, dataDir, drop: async () => fs.rmSync(dataDir, { recursive: true, force: true }) };
  }
  const name = `sutne_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  await adminQuery(`CREATE DATABASE ${name}`);
  const url = new URL(adminPgUrl);
  url.pathname = `/${name}`;
  return {
    dialect,
    databaseUrl: url.toString(),
    dataDir,
    drop: async () => {
      await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function adminQuery(sqlText: string): Promise<void> {
  const client = new Client({ connectionString: adminPgUrl });
  await client.connect();
  try {
    await client.query(sqlText);
  } finally {
    await client.end();
  }
}
