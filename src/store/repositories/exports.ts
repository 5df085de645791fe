import type { Db } from '../database';
import type { ExportRow } from '../schema';

/** A bulk export as the web page follows it. */
export interface ExportRecord {
  id: string;
  institutionId: string;
  createdBy: string;
  filters: Record<string, unknown>;
  state: 'running' | 'done' | 'failed';
  lettersTotal: number;
  lettersDone: number;
  bytesWritten: number;
  auditN: number | null;
  anchorId: string | null;
  sha256: string | null;
  errorCode: string | null;
  createdAt: string;
  updatedAt: string;
  finishedAt: string | null;
}

export async function insertExport(
  db: Db,
  e: { id: string; institutionId: string; createdBy: string; filters: Record<string, unknown>; lettersTotal: number; createdAt: string },
): Promise<void> {
  await db
    .insertInto('exports')
    .values({
      id: e.id, institution_id: e.institutionId, created_by: e.createdBy, filters: JSON.stringify(e.filters), state: 'running',
      letters_total: e.lettersTotal, audit_n: null, anchor_id: null, sha256: null, error_code: null,
      created_at: e.createdAt, updated_at: e.createdAt, finished_at: null,
    })
    .execute();
}

export async function updateExport(
  db: Db,
  id: string,
  set: Partial<Pick<ExportRecord, 'state' | 'lettersDone' | 'bytesWritten' | 'auditN' | 'anchorId' | 'sha256' | 'errorCode' | 'finishedAt'>> & { updatedAt: string },
): Promise<void> {
  await db
    .updateTable('exports')
    .set({
      updated_at: set.updatedAt,
      ...(set.state !== undefined ? { state: set.state } : {}),
      ...(set.lettersDone !== undefined ? { letters_done: set.lettersDone } : {}),
      ...(set.bytesWritten !== undefined ? { bytes_written: set.bytesWritten } : {}),
      ...(set.auditN !== undefined ? { audit_n: set.auditN } : {}),
      ...(set.anchorId !== undefined ? { anchor_id: set.anchorId } : {}),
      ...(set.sha256 !== undefined ? { sha256: set.sha256 } : {}),
      ...(set.errorCode !== undefined ? { error_code: set.errorCode } : {}),
      ...(set.finishedAt !== undefined ? { finished_at: set.finishedAt } : {}),
    })
    .where('id', '=', id)
    .execute();
}

export async function findExport(db: Db, institutionId: string, id: string): Promise<ExportRecord | undefined> {
  const row = await db.selectFrom('exports').selectAll().where('institution_id', '=', institutionId).where('id', '=', id).executeTakeFirst();
  return row && toRecord(row);
}

export async function exportIdTaken(db: Db, id: string): Promise<boolean> {
  return Boolean(await db.selectFrom('exports').select('id').where('id', '=', id).executeTakeFirst());
}

export async function listExports(db: Db, institutionId: string, limit: number): Promise<ExportRecord[]> {
  const rows = await db
    .selectFrom('exports')
    .selectAll()
    .where('institution_id', '=', institutionId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.map(toRecord);
}

function toRecord(r: ExportRow): ExportRecord {
  return {
    id: r.id, institutionId: r.institution_id, createdBy: r.created_by, filters: JSON.parse(r.filters) as Record<string, unknown>,
    state: r.state, lettersTotal: r.letters_total, lettersDone: r.letters_done, bytesWritten: r.bytes_written, auditN: r.audit_n,
    anchorId: r.anchor_id, sha256: r.sha256, errorCode: r.error_code, createdAt: r.created_at, updatedAt: r.updated_at, finishedAt: r.finished_at,
  };
}
