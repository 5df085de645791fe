import { createHash, randomUUID } from 'node:crypto';
import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Principal } from '../access/principal';
import { actorOf } from '../access/principal';
import { anchorStatement, type AuditLog, type ChainedAuditEntry } from '../audit';
import type { Clock } from '../clock';
import { AppError } from '../errors';
import type { Logger } from '../logger';
import type { Metrics } from '../metrics';
import {
  countRegister, exportIdTaken, findInstitution, finishExport, insertExport, iterateRegister, listAuditAnchors, readAuditChain, recordExportProgress,
  type AuditAnchor, type BlobStore, type DataSealer, type Db, type RegisterFilter,
} from '../store';
import { ArchiveMeter } from './archive-meter';
import { AUDIT_ANCHORS, AUDIT_CHAIN, MANIFEST_CSV, MANIFEST_JSON, README_PATH, anchorTokenPath } from './archive-paths';
import { queueLetter, type LetterWritten } from './letter-folder';
import { ManifestSpool, type ManifestHead } from './manifest';
import { exportReadme } from './readme';
import { registerFilterOf } from './register';
import { ZipWriter } from './zip-writer';

export interface ExportDeps {
  db: Db;
  blobs: BlobStore;
  sealer: DataSealer;
  clock: Clock;
  audit: AuditLog;
  metrics: Metrics;
  logger: Logger;
  /** Where the manifests are spooled while the archive is made (the system's temporary folder by default). */
  tmpDir?: string;
}

/** What to export: the register's filters; by default the letters that were sent. */
export interface ExportFilters {
  from?: string | undefined;
  to?: string | undefined;
  recipient?: string | undefined;
  status?: string[] | undefined;
}

export interface ExportRequest {
  institutionId: string;
  filters: ExportFilters;
  by: Principal | string;
  requestId?: string | undefined;
  /** Chosen by the caller to follow the export's progress (`GET /exports/{id}`); a new id otherwise. */
  exportId?: string | undefined;
}

export interface ExportProgress {
  lettersDone: number;
  lettersTotal: number;
  bytesWritten: number;
}

export interface ExportResult extends ExportProgress {
  sha256: string;
  files: number;
}

/** An export whose audit entry and time-stamp are made; its archive is written by `writeTo`. */
export interface PreparedExport {
  id: string;
  lettersTotal: number;
  /** A file name for the archive: `sutne-<institution>-<date>.zip`. */
  filename: string;
  writeTo(out: Writable, onProgress?: (p: ExportProgress) => void): Promise<ExportResult>;
}

export const DEFAULT_EXPORT_STATUSES = ['sent'];
const PROGRESS_EVERY_MS = 1000;

/**
 * Starts a bulk export: counts what it will hold, records `export.created` (counts and codes, no
 * names), and has the TSA time-stamp the audit chain's head, which now includes that entry. Fails
 * before a byte is written when the institution is unknown or the TSA does not answer.
 */
export async function prepareExport(deps: ExportDeps, req: ExportRequest): Promise<PreparedExport> {
  const institution = await findInstitution(deps.db, req.institutionId);
  if (!institution) throw new AppError('INSTITUTION_NOT_FOUND', `No institution "${req.institutionId}".`);
  const id = req.exportId ?? randomUUID();
  if (req.exportId && (await exportIdTaken(deps.db, id))) {
    throw new AppError('ALREADY_EXISTS', 'An export with this id was already made; choose a new id for each export.', [{ path: 'exportId', message: 'is already used' }]);
  }
  const filters: ExportFilters = { ...req.filters, status: req.filters.status?.length ? req.filters.status : DEFAULT_EXPORT_STATUSES };
  const filter = registerFilterOf(req.institutionId, filters);
  const lettersTotal = await countRegister(deps.db, filter);
  const createdAt = deps.clock.now().toISOString();
  const actor = typeof req.by === 'string' ? req.by : actorOf(req.by);
  const recordedFilters = stripUndefined({ ...filters, status: filters.status?.join(',') });

  const entry = await deps.db.transaction().execute(async (trx) => {
    await insertExport(trx, { id, institutionId: req.institutionId, createdBy: actor, filters: recordedFilters, lettersTotal, createdAt });
    return deps.audit.record(
      { action: 'export.created', actor: req.by, institutionId: req.institutionId, object: { type: 'export', id }, requestId: req.requestId, details: { letters: lettersTotal, ...recordedFilters } },
      trx,
    );
  });
  let anchor: AuditAnchor;
  try {
    anchor = (await deps.audit.anchor(req.institutionId, req.by, req.requestId))!;
  } catch (err) {
    await finishExport(deps.db, id, { state: 'failed', errorCode: err instanceof AppError ? err.code : 'INTERNAL', at: deps.clock.now().toISOString() });
    throw err;
  }
  await recordExportProgress(deps.db, id, { auditN: entry.n, anchorId: anchor.id, updatedAt: deps.clock.now().toISOString() });

  const head: ManifestHead = {
    format: 'sutne-export',
    version: 1,
    exportId: id,
    createdAt,
    institution: { id: institution.id, name: institution.name, regNo: institution.regNo },
    filters: recordedFilters,
    audit: { exportEntry: entry.n, anchorId: anchor.id, chainEntries: anchor.n, chain: AUDIT_CHAIN, anchors: AUDIT_ANCHORS },
  };
  return {
    id,
    lettersTotal,
    filename: `sutne-${institution.id}-${createdAt.slice(0, 10)}.zip`,
    writeTo: (out, onProgress) => writeArchive(deps, { head, filter, anchor, lettersTotal }, out, onProgress),
  };
}

interface Plan {
  head: ManifestHead;
  filter: RegisterFilter;
  anchor: AuditAnchor;
  lettersTotal: number;
}

async function writeArchive(deps: ExportDeps, plan: Plan, out: Writable, onProgress?: (p: ExportProgress) => void): Promise<ExportResult> {
  const { head, anchor } = plan;
  const institutionId = head.institution.id;
  const spool = await ManifestSpool.create(deps.tmpDir);
  const zip = new ZipWriter(new Date(head.createdAt));
  const progress: ExportProgress = { lettersDone: 0, lettersTotal: plan.lettersTotal, bytesWritten: 0 };
  let result: ExportResult | undefined;
  // The job is recorded done before the archive's last bytes leave, so whoever holds the whole
  // archive finds the job done with its SHA-256 (see ArchiveMeter).
  const meter = new ArchiveMeter(async (archive) => {
    result = { ...progress, bytesWritten: archive.size, sha256: archive.sha256, files: spool.summary.files + 2 };
    const ended = await finishExport(deps.db, head.exportId, {
      state: 'done', lettersDone: progress.lettersDone, bytesWritten: archive.size, sha256: archive.sha256, at: deps.clock.now().toISOString(),
    });
    if (!ended) throw new AppError('WRONG_STATE', `Export ${head.exportId} was ended elsewhere before its archive was complete.`);
  });
  const delivered = pipeline(zip.output, meter, out);
  delivered.catch((err: Error) => zip.abort(err));
  let lastSaved = Date.now();
  const saveProgress = async () => {
    progress.bytesWritten = meter.size;
    onProgress?.({ ...progress });
    if (Date.now() - lastSaved < PROGRESS_EVERY_MS) return;
    lastSaved = Date.now();
    await recordExportProgress(deps.db, head.exportId, { lettersDone: progress.lettersDone, bytesWritten: progress.bytesWritten, updatedAt: deps.clock.now().toISOString() });
  };

  try {
    await spool.addFile(await zip.addBuffer(README_PATH, Buffer.from(exportReadme(head, plan.lettersTotal), 'utf8'), true));
    const record = async (queued: Promise<LetterWritten>) => {
      const done = await queued;
      for (const f of done.files) await spool.addFile(f);
      await spool.addLetter(done.letter, done.hashes);
      progress.lettersDone++;
      await saveProgress();
    };
    let inFlight: Promise<LetterWritten> | undefined;
    for await (const row of iterateRegister(deps.db, plan.filter)) {
      const { written } = await queueLetter(deps, zip, row, anchor.n);
      if (inFlight) await record(inFlight);
      inFlight = written;
    }
    if (inFlight) await record(inFlight);
    await spool.addFile(await zip.addStream(AUDIT_CHAIN, Readable.from(chainLines(readAuditChain(deps.db, institutionId, 1000, anchor.n))), true));
    const anchors = await listAuditAnchors(deps.db, institutionId, anchor.n);
    const listed = [];
    for (const a of anchors) {
      const file = anchorTokenPath(a.n, a.id);
      await spool.addFile(await zip.addBuffer(file, Buffer.from(a.token, 'base64'), false));
      const statement = anchorStatement(institutionId, a.n, a.headHash);
      listed.push({ ...a, statement, digest: createHash('sha256').update(statement, 'utf8').digest('hex'), file });
    }
    await spool.addFile(await zip.addBuffer(AUDIT_ANCHORS, Buffer.from(`${JSON.stringify(listed, null, 2)}\n`, 'utf8'), true));
    await spool.close();
    const csv = await zip.addStream(MANIFEST_CSV, spool.csvStream(), true);
    await zip.addStream(MANIFEST_JSON, spool.jsonStream(head, [csv]), true);
    zip.end();
    await delivered;
    deps.metrics.exportsMade.inc();
    onProgress?.({ ...progress, bytesWritten: result!.bytesWritten });
    return result!;
  } catch (err) {
    zip.abort(err instanceof Error ? err : new Error(String(err)));
    const code = err instanceof AppError ? err.code : (err as NodeJS.ErrnoException).code === 'ERR_STREAM_PREMATURE_CLOSE' ? 'ABORTED' : 'INTERNAL';
    // A job recorded done whose last bytes then did not reach the reader failed after all.
    await finishExport(deps.db, head.exportId, {
      state: 'failed', errorCode: code, lettersDone: progress.lettersDone, bytesWritten: meter.size, at: deps.clock.now().toISOString(), from: ['running', 'done'],
    }).catch((e: unknown) => deps.logger.error({ err: e }, 'could not record the failed export'));
    throw err;
  } finally {
    await spool.remove();
  }
}

async function* chainLines(entries: AsyncIterable<ChainedAuditEntry>): AsyncGenerator<string> {
  for await (const e of entries) yield `${JSON.stringify(e)}\n`;
}

function stripUndefined(o: Record<string, string | string[] | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== '')) as Record<string, string>;
}
