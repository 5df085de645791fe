import type { Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>;

/**
 * The outbox keeps, beside the letter's delivery columns of the foundation:
 * - `mail_envelope`: JSON { from, to, accepted } — the SMTP envelope fixed when the letter was
 *   queued, and the recipients that already accepted the message (a partial acceptance is never
 *   sent again to those);
 * - `lease_owner`: which worker holds the `sending` lease, so only the holder records the outcome.
 */
export async function up(db: AnyDb): Promise<void> {
  await db.schema.alterTable('letters').addColumn('mail_envelope', 'text').execute();
  await db.schema.alterTable('letters').addColumn('lease_owner', 'text').execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.alterTable('letters').dropColumn('lease_owner').execute();
  await db.schema.alterTable('letters').dropColumn('mail_envelope').execute();
}
