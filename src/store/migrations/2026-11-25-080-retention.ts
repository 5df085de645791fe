import type { Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>;

/**
 * Retention: `letters.purged_at` marks a letter whose PDF and sent message were deleted (its
 * register columns and hashes stay); the index finds cases due for deletion without a scan.
 */
export async function up(db: AnyDb): Promise<void> {
  await db.schema.alterTable('letters').addColumn('purged_at', 'text').execute();
  await db.schema.createIndex('cases_retention').on('cases').columns(['purged_at', 'created_at']).execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropIndex('cases_retention').ifExists().execute();
  await db.schema.alterTable('letters').dropColumn('purged_at').execute();
}
