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

/**
 * Progress of a running export. Conditional on `running`: a progress write that arrives after the
 * export finished (a slow connection, another instance's late write) changes nothing, so a
 * finished job never moves back. False when the export is no longer running.
 */
export async function recordExportProgress(
  db: Db,
  id: string,
  p: { lettersDone?: number; bytesWritten?: number; auditN?: number; anchorId?: string; updatedAt: string },
): Promise<boolean> {
  const res = await db
    .updateTable('exports')
    .set({
      updated_at: p.updatedAt,
      ...(p.lettersDone !== undefined ? { letters_done: p.lettersDone } : {}),
      ...(p.bytesWritten !== undefined ? { bytes_written: p.bytesWritten } : {}),
      ...(p.auditN !== undefined ? { audit_n: p.auditN } : {}),
      ...(p.anchorId !== undefined ? { anchor_id: p.anchorId } : {}),
    })
    .where('id', '=', id)
    .where('state', '=', 'running')
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

/**
 * Ends an export as `done` or `failed`, once: only a job in one of the `from` states changes (by
 * default a running one), so the first ending wins and nothing overwrites it. A failure while
 * the archive's last bytes are delivered may end a `done` job as `failed` (`from` includes it).
 * False when the job was not in a `from` state.
 */
export async function finishExport(
  db: Db,
  id: string,
  end: {
    state: 'done' | 'failed';
    lettersDone?: number;
    bytesWritten?: number;
    sha256?: string;
    errorCode?: string;
    at: string;
    from?: ReadonlyArray<ExportRecord['state']>;
  },
): Promise<boolean> {
  const res = await db
    .updateTable('exports')
    .set({
      state: end.state,
      updated_at: end.at,
      finished_at: end.at,
      ...(end.lettersDone !== undefined ? { letters_done: end.lettersDone } : {}),
      ...(end.bytesWritten !== undefined ? { bytes_written: end.bytesWritten } : {}),
      ...(end.sha256 !== undefined ? { sha256: end.sha256 } : {}),
      ...(end.errorCode !== undefined ? { error_code: end.errorCode } : {}),
    })
    .where('id', '=', id)
    .where('state', 'in', [...(end.from ?? ['running'])])
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
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
