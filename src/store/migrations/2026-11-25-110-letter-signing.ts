import type { Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>;

/**
 * Signing: `letters.title` keeps the letter's "Par …" title (sealed: templates may word it from
 * case data), which the outgoing message's subject repeats; `letters.signed_via` says whether
 * Sūtne signed the letter (`sutne`) or a signer signed the draft elsewhere and uploaded it
 * (`upload`).
 */
export async function up(db: AnyDb): Promise<void> {
  await db.schema.alterTable('letters').addColumn('title', 'text').execute();
  await db.schema.alterTable('letters').addColumn('signed_via', 'text').execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.alterTable('letters').dropColumn('signed_via').execute();
  await db.schema.alterTable('letters').dropColumn('title').execute();
}
