import type { Db } from '../database';

/** A work material as stored: `filename` is sealed text (it often names the child). */
export interface StoredAttachmentRow {
  id: string;
  caseId: string;
  institutionId: string;
  filename: string;
  contentType: string;
  size: number;
  sha256: string;
  blobKey: string;
  /** Order within the case, from 1. */
  position: number;
  createdBy: string;
  createdAt: string;
}

export async function insertAttachments(db: Db, rows: StoredAttachmentRow[]): Promise<void> {
  if (!rows.length) return;
  await db
    .insertInto('attachments')
    .values(
      rows.map((a) => ({
        id: a.id,
        case_id: a.caseId,
        institution_id: a.institutionId,
        filename: a.filename,
        content_type: a.contentType,
        size: a.size,
        sha256: a.sha256,
        blob_key: a.blobKey,
        position: a.position,
        created_by: a.createdBy,
        created_at: a.createdAt,
        purged_at: null,
      })),
    )
    .execute();
}

const columns = ['id', 'case_id', 'institution_id', 'filename', 'content_type', 'size', 'sha256', 'blob_key', 'position', 'created_by', 'created_at'] as const;

/** The live work materials of one case of one institution. */
function liveOfCase(db: Db, institutionId: string, caseId: string) {
  return db
    .selectFrom('attachments')
    .select(columns)
    .where('institution_id', '=', institutionId)
    .where('case_id', '=', caseId)
    .where('purged_at', 'is', null);
}

/** The case's live work materials, in upload order. */
export async function listAttachments(db: Db, institutionId: string, caseId: string): Promise<StoredAttachmentRow[]> {
  return (await liveOfCase(db, institutionId, caseId).orderBy('position').orderBy('created_at').orderBy('id').execute()).map(toRow);
}

export async function findAttachment(db: Db, institutionId: string, caseId: string, id: string): Promise<StoredAttachmentRow | undefined> {
  const row = await liveOfCase(db, institutionId, caseId).where('id', '=', id).executeTakeFirst();
  return row && toRow(row);
}

/**
 * How many live work materials a case has and their total size, for its upload limits, and the
 * last position used (purged ones included), so new files go after every earlier one.
 */
export async function attachmentTotals(db: Db, caseId: string): Promise<{ count: number; bytes: number; lastPosition: number }> {
  const row = await db
    .selectFrom('attachments')
    .select((eb) => [
      eb.fn.sum<number>(eb.case().when('purged_at', 'is', null).then(1).else(0).end()).as('count'),
      eb.fn.sum<number>(eb.case().when('purged_at', 'is', null).then(eb.ref('size')).else(0).end()).as('bytes'),
      eb.fn.max<number>('position').as('last'),
    ])
    .where('case_id', '=', caseId)
    .executeTakeFirstOrThrow();
  return { count: Number(row.count ?? 0), bytes: Number(row.bytes ?? 0), lastPosition: Number(row.last ?? 0) };
}

/**
 * Whether any stored record still points at these bytes. Blobs are content-addressed, so a
 * failed upload may only remove a blob nobody else refers to.
 */
export async function isBlobReferenced(db: Db, key: string): Promise<boolean> {
  const [attachment, letter] = await Promise.all([
    db.selectFrom('attachments').select('id').where('blob_key', '=', key).executeTakeFirst(),
    db
      .selectFrom('letters')
      .select('id')
      .where((eb) => eb.or([eb('pdf_key', '=', key), eb('eml_key', '=', key)]))
      .executeTakeFirst(),
  ]);
  return attachment !== undefined || letter !== undefined;
}

function toRow(r: {
  id: string; case_id: string; institution_id: string; filename: string; content_type: string; size: number;
  sha256: string; blob_key: string; position: number; created_by: string; created_at: string;
}): StoredAttachmentRow {
  return {
    id: r.id,
    caseId: r.case_id,
    institutionId: r.institution_id,
    filename: r.filename,
    contentType: r.content_type,
    size: Number(r.size),
    sha256: r.sha256,
    blobKey: r.blob_key,
    position: Number(r.position),
    createdBy: r.created_by,
    createdAt: r.created_at,
  };
}
