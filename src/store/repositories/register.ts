import type { Db } from '../database';
import type { AttachmentRow, LetterRow } from '../schema';

/** What the register is searched by; every field narrows, and the institution is always one. */
export interface RegisterFilter {
  institutionId: string;
  statuses?: readonly string[] | undefined;
  recipientKey?: string | undefined;
  /** Inclusive lower bound on `created_at` (ISO-8601 UTC). */
  createdFrom?: string | undefined;
  /** Exclusive upper bound on `created_at` (ISO-8601 UTC). */
  createdBefore?: string | undefined;
  registrationNumber?: string | undefined;
  /** Keyed hash of the child's normalised name (`cases.child_name_hash`). */
  childNameHash?: string | undefined;
}

/** A position in the register: the last row seen, by (created_at, id). */
export interface RegisterPosition {
  createdAt: string;
  id: string;
}

function filtered(db: Db, f: RegisterFilter) {
  let q = db.selectFrom('letters').where('letters.institution_id', '=', f.institutionId);
  if (f.statuses?.length) q = q.where('letters.status', 'in', [...f.statuses]);
  if (f.recipientKey) q = q.where('letters.recipient_key', '=', f.recipientKey);
  if (f.createdFrom) q = q.where('letters.created_at', '>=', f.createdFrom);
  if (f.createdBefore) q = q.where('letters.created_at', '<', f.createdBefore);
  if (f.registrationNumber) q = q.where('letters.registration_number', '=', f.registrationNumber);
  if (f.childNameHash) {
    const hash = f.childNameHash;
    q = q.where((eb) =>
      eb.exists(
        eb
          .selectFrom('cases')
          .select('cases.id')
          .whereRef('cases.id', '=', 'letters.case_id')
          .where('cases.institution_id', '=', f.institutionId)
          .where('cases.child_name_hash', '=', hash),
      ),
    );
  }
  return q;
}

/**
 * One page of the register, newest first. Keyset pagination over (created_at, id): letters
 * registered after the first page was read never shift or repeat the pages that follow.
 */
export async function listRegisterPage(db: Db, f: RegisterFilter, limit: number, after?: RegisterPosition): Promise<LetterRow[]> {
  let q = filtered(db, f).selectAll('letters');
  if (after) {
    q = q.where((eb) =>
      eb.or([
        eb('letters.created_at', '<', after.createdAt),
        eb.and([eb('letters.created_at', '=', after.createdAt), eb('letters.id', '<', after.id)]),
      ]),
    );
  }
  return q.orderBy('letters.created_at', 'desc').orderBy('letters.id', 'desc').limit(limit).execute();
}

/** Every matching letter, oldest first, read a page at a time so memory stays flat. */
export async function* iterateRegister(db: Db, f: RegisterFilter, pageSize = 200): AsyncGenerator<LetterRow> {
  let after: RegisterPosition | undefined;
  for (;;) {
    let q = filtered(db, f).selectAll('letters');
    if (after) {
      const a = after;
      q = q.where((eb) =>
        eb.or([
          eb('letters.created_at', '>', a.createdAt),
          eb.and([eb('letters.created_at', '=', a.createdAt), eb('letters.id', '>', a.id)]),
        ]),
      );
    }
    const rows = await q.orderBy('letters.created_at', 'asc').orderBy('letters.id', 'asc').limit(pageSize).execute();
    yield* rows;
    if (rows.length < pageSize) return;
    const last = rows[rows.length - 1]!;
    after = { createdAt: last.created_at, id: last.id };
  }
}

/** How many letters match (for progress and the audit entry). */
export async function countRegister(db: Db, f: RegisterFilter): Promise<number> {
  const row = await filtered(db, f).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The attachments with these ids, of this institution only, by id. */
export async function attachmentsByIds(db: Db, institutionId: string, ids: readonly string[]): Promise<Map<string, AttachmentRow>> {
  const out = new Map<string, AttachmentRow>();
  if (!ids.length) return out;
  const unique = [...new Set(ids)];
  for (let i = 0; i < unique.length; i += 500) {
    const rows = await db
      .selectFrom('attachments')
      .selectAll()
      .where('institution_id', '=', institutionId)
      .where('id', 'in', unique.slice(i, i + 500))
      .execute();
    for (const r of rows) out.set(r.id, r);
  }
  return out;
}

/** One letter of this institution, or undefined (another institution's letter is not found). */
export async function findRegisteredLetter(db: Db, institutionId: string, id: string): Promise<LetterRow | undefined> {
  return db.selectFrom('letters').selectAll().where('institution_id', '=', institutionId).where('id', '=', id).executeTakeFirst();
}
