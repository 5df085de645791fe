import type { Db } from '../database';

/** Letters still on their way out: their case waits until delivery has ended. */
const IN_FLIGHT = ['queued', 'sending'];

export interface DueCase {
  id: string;
  institutionId: string;
}

/**
 * Cases created before `cutoff` and not yet purged, none of whose letters is in flight or has
 * changed since the cutoff. Oldest first.
 */
export async function findCasesDueForPurge(db: Db, cutoff: string, limit: number): Promise<DueCase[]> {
  const rows = await dueCases(db, cutoff).select(['cases.id', 'cases.institution_id']).orderBy('cases.created_at').limit(limit).execute();
  return rows.map((r) => ({ id: r.id, institutionId: r.institution_id }));
}

export async function countCasesDueForPurge(db: Db, cutoff: string): Promise<number> {
  const row = await dueCases(db, cutoff).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

function dueCases(db: Db, cutoff: string) {
  return db
    .selectFrom('cases')
    .where('cases.purged_at', 'is', null)
    .where('cases.created_at', '<', cutoff)
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('letters')
            .select('letters.id')
            .whereRef('letters.case_id', '=', 'cases.id')
            .where((l) => l.or([l('letters.status', 'in', IN_FLIGHT), l('letters.updated_at', '>=', cutoff)])),
        ),
      ),
    );
}

export interface PurgedCase {
  attachments: number;
  letters: number;
  /** Stored files the purged rows pointed at; delete each unless `isBlobInLiveUse`. */
  blobKeys: string[];
}

/**
 * Replaces a case's data and routing by `standIns.caseData`, its materials' file names (which may name
 * the child) by `standIns.filename` and its letters' cancellation reasons (free text) by nothing, and marks materials and letters purged, in the caller's
 * transaction. Both stand-ins come sealed like what they replace. Answers undefined when the case was purged already (by another instance).
 * Register columns (number, recipient, status, dates) and every hash stay.
 */
export async function purgeCaseRows(
  db: Db,
  id: string,
  standIns: { caseData: string; filename: string },
  at: string,
): Promise<PurgedCase | undefined> {
  const updated = await db
    .updateTable('cases')
    .set({ data: standIns.caseData, routing: standIns.caseData, child_name_hash: null, purged_at: at })
    .where('id', '=', id)
    .where('purged_at', 'is', null)
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) !== 1) return undefined;

  const attachments = await db.selectFrom('attachments').select('blob_key').where('case_id', '=', id).where('purged_at', 'is', null).execute();
  await db
    .updateTable('attachments')
    .set({ purged_at: at, filename: standIns.filename })
    .where('case_id', '=', id)
    .where('purged_at', 'is', null)
    .execute();
  const letters = await db.selectFrom('letters').select(['pdf_key', 'eml_key']).where('case_id', '=', id).where('purged_at', 'is', null).execute();
  await db.updateTable('letters').set({ purged_at: at, cancel_reason: null }).where('case_id', '=', id).where('purged_at', 'is', null).execute();

  const blobKeys = new Set<string>();
  for (const a of attachments) blobKeys.add(a.blob_key);
  for (const l of letters) {
    blobKeys.add(l.pdf_key);
    if (l.eml_key) blobKeys.add(l.eml_key);
  }
  return { attachments: attachments.length, letters: letters.length, blobKeys: [...blobKeys] };
}

/** Whether a stored file is still needed by a row that was not purged (content-addressed files are shared). */
export async function isBlobInLiveUse(db: Db, key: string): Promise<boolean> {
  const attachment = await db.selectFrom('attachments').select('id').where('blob_key', '=', key).where('purged_at', 'is', null).executeTakeFirst();
  if (attachment) return true;
  const letter = await db
    .selectFrom('letters')
    .select('id')
    .where((eb) => eb.or([eb('pdf_key', '=', key), eb('eml_key', '=', key)]))
    .where('purged_at', 'is', null)
    .executeTakeFirst();
  return Boolean(letter);
}
