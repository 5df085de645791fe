import type { Db } from '../database';
import type { LetterRow, NewLetterRow } from '../schema';

/**
 * The next number of the institution's register for the year, counted in `register_counters`.
 * Call it inside the transaction that stores the letter: the counter row stays locked until that
 * transaction ends (PostgreSQL row lock; SQLite's write lock), so concurrent letters from any
 * number of processes get consecutive numbers, and a rolled-back letter gives its number back.
 */
export async function nextRegisterSeq(trx: Db, institutionId: string, year: number): Promise<number> {
  const row = await trx
    .insertInto('register_counters')
    .values({ institution_id: institutionId, year, last_seq: 1 })
    .onConflict((oc) => oc.columns(['institution_id', 'year']).doUpdateSet((eb) => ({ last_seq: eb('register_counters.last_seq', '+', 1) })))
    .returning('last_seq')
    .executeTakeFirstOrThrow();
  return Number(row.last_seq);
}

/** Stores a new letter; answers the row as stored (columns it did not set at their defaults). */
export async function insertLetter(trx: Db, row: NewLetterRow): Promise<LetterRow> {
  return trx.insertInto('letters').values(row).returningAll().executeTakeFirstOrThrow();
}

/** The institution's letters of one case, in registration order. */
export async function lettersOfCase(db: Db, institutionId: string, caseId: string): Promise<LetterRow[]> {
  return db
    .selectFrom('letters')
    .selectAll()
    .where('institution_id', '=', institutionId)
    .where('case_id', '=', caseId)
    .orderBy('reg_year')
    .orderBy('reg_seq')
    .execute();
}

/**
 * Cancels a letter that has not gone out (draft, signed or failed); answers the row as it is
 * now, or undefined when the institution has no such letter. The row stays: the register keeps
 * every number it gave.
 */
export async function cancelLetterRow(
  trx: Db,
  institutionId: string,
  id: string,
  change: { reason: string; at: string; from: readonly string[] },
): Promise<{ row: LetterRow; changed: boolean } | undefined> {
  const res = await trx
    .updateTable('letters')
    .set({ status: 'cancelled', cancelled_at: change.at, cancel_reason: change.reason, updated_at: change.at, next_attempt_at: null })
    .where('institution_id', '=', institutionId)
    .where('id', '=', id)
    .where('status', 'in', [...change.from])
    .executeTakeFirst();
  const row = await trx.selectFrom('letters').selectAll().where('institution_id', '=', institutionId).where('id', '=', id).executeTakeFirst();
  return row && { row, changed: Number(res.numUpdatedRows) === 1 };
}

export interface SignedLetterChange {
  institutionId: string;
  id: string;
  /** The draft the signature was made over: the change applies only if the letter still is that draft. */
  draftSha256: string;
  pdf: { key: string; sha256: string; size: number };
  signedAt: string;
  signedBy: string;
  /** JSON: { genTime, tsa }. */
  timestamp: string;
  via: 'sutne' | 'upload';
  at: string;
}

/**
 * Turns a draft into a signed letter. Conditional on the letter still being that unchanged draft,
 * so of two signers racing only one wins and a letter is never signed twice; answers whether
 * this call made the change.
 */
export async function markLetterSigned(trx: Db, change: SignedLetterChange): Promise<boolean> {
  const res = await trx
    .updateTable('letters')
    .set({
      status: 'signed',
      pdf_key: change.pdf.key,
      pdf_sha256: change.pdf.sha256,
      pdf_size: change.pdf.size,
      signed_at: change.signedAt,
      signed_by: change.signedBy,
      timestamp: change.timestamp,
      signed_via: change.via,
      updated_at: change.at,
    })
    .where('institution_id', '=', change.institutionId)
    .where('id', '=', change.id)
    .where('status', '=', 'draft')
    .where('pdf_sha256', '=', change.draftSha256)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}
