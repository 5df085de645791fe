import { Migrator, type Migration, type MigrationResult } from 'kysely';
import type { Db } from './database';
import { migrations } from './migrations';

export interface MigrationReport {
  applied: string[];
}

/**
 * Brings the schema up to date. Each run is one transaction on both dialects (and holds
 * PostgreSQL's migration lock), so a failed migration leaves the database exactly as it was
 * and several instances starting at once migrate only once.
 */
export async function migrateToLatest(db: Db, set: Record<string, Migration> = migrations): Promise<MigrationReport> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => set },
    migrationTableName: 'schema_migrations',
    migrationLockTableName: 'schema_migrations_lock',
    // Each domain numbers its migrations in its own range and lands when ready, so a database
    // may have run 060 before 030 arrives: run what is missing rather than refuse.
    allowUnorderedMigrations: true,
  });
  const { error, results } = await migrator.migrateToLatest();
  const applied = (results ?? []).filter((r: MigrationResult) => r.status === 'Success').map((r) => r.migrationName);
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`Migration ${failed ?? '(unknown)'} failed and was rolled back: ${reason}`, { cause: error });
  }
  return { applied };
}
