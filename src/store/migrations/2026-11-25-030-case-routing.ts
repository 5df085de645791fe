import type { Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>;

/**
 * Cases keep the routing decided when they were created (recipients, the rules and scheme version
 * that chose them, warnings), so a later change of the scheme never rewrites why a letter went
 * where it went. Work materials keep their order within the case. Idempotency keys expire; the
 * index finds the old ones.
 */
export async function up(db: AnyDb): Promise<void> {
  await db.schema.alterTable('cases').addColumn('routing', 'text', (c) => c.notNull().defaultTo('')).execute();
  await db.schema.alterTable('attachments').addColumn('position', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.createIndex('attachments_case_position').on('attachments').columns(['case_id', 'position']).execute();
  await db.schema.createIndex('idempotency_keys_created').on('idempotency_keys').column('created_at').execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropIndex('idempotency_keys_created').ifExists().execute();
  await db.schema.dropIndex('attachments_case_position').ifExists().execute();
  await db.schema.alterTable('attachments').dropColumn('position').execute();
  await db.schema.alterTable('cases').dropColumn('routing').execute();
}
