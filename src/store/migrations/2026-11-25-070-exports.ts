import type { Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>;

/**
 * Bulk exports as jobs a web page can follow (progress, the archive's own SHA-256 when done), and
 * the indexes the register and the anchoring worker search by.
 */
export async function up(db: AnyDb): Promise<void> {
  await db.schema
    .createTable('exports')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('institution_id', 'text', (c) => c.notNull().references('institutions.id'))
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('filters', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('letters_total', 'integer', (c) => c.notNull())
    .addColumn('letters_done', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('bytes_written', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('audit_n', 'integer')
    .addColumn('anchor_id', 'text')
    .addColumn('sha256', 'text')
    .addColumn('error_code', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text')
    .execute();
  await db.schema.createIndex('exports_institution_created').on('exports').columns(['institution_id', 'created_at']).execute();
  await db.schema.createIndex('cases_child_name_hash').on('cases').columns(['institution_id', 'child_name_hash']).execute();
  await db.schema.createIndex('letters_register_status').on('letters').columns(['institution_id', 'status', 'created_at']).execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropIndex('letters_register_status').ifExists().execute();
  await db.schema.dropIndex('cases_child_name_hash').ifExists().execute();
  await db.schema.dropTable('exports').ifExists().execute();
}
