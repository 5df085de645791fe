import type { AuditLog } from '../audit';
import type { Clock } from '../clock';
import type { Logger } from '../logger';
import { countCasesDueForPurge, deleteEndedSessions, findCasesDueForPurge, isBlobInLiveUse, purgeCaseRows, type BlobStore, type DataSealer, type Db } from '../store';

export interface RetentionCtx {
  db: Db;
  blobs: BlobStore;
  sealer: DataSealer;
  audit: AuditLog;
  clock: Clock;
  logger: Logger;
  config: { retentionDays: number };
}

export interface RetentionReport {
  cases: number;
  attachments: number;
  letters: number;
  /** Stored files deleted (PDFs, sent messages, work materials). */
  files: number;
  /** Ended sessions forgotten. */
  sessions: number;
}

/** What `cases.data` holds once retention has run: a sealed tombstone, never the case. */
export const CASE_TOMBSTONE = { purged: true } as const;

/** What a purged material's file name reads (sealed like every file name). */
export const PURGED_FILENAME = '[purged]';

const BATCH = 100;
/** Ended sessions are kept this long (for the audit of who was signed in), then forgotten. */
const SESSION_HISTORY_DAYS = 30;
const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Deletes what the retention period no longer allows keeping: the case data of every case older
 * than RETENTION_DAYS (it becomes a tombstone), its work materials, and its letters' PDFs and sent
 * messages. The register entry (number, recipient, status, dates), the signed PDF's SHA-256 and
 * the audit chain remain, and each purge is itself audited (`case.purged`) in the same
 * transaction. Files are deleted after the commit, each only when no live row still needs it.
 * Safe to run again, and from several instances at once.
 */
export async function purgeExpired(ctx: RetentionCtx, opts: { dryRun?: boolean } = {}): Promise<RetentionReport> {
  const now = ctx.clock.now();
  const cutoff = new Date(now.getTime() - ctx.config.retentionDays * DAY_MS).toISOString();
  const report: RetentionReport = { cases: 0, attachments: 0, letters: 0, files: 0, sessions: 0 };
  if (opts.dryRun) {
    report.cases = await countCasesDueForPurge(ctx.db, cutoff);
    return report;
  }
  for (;;) {
    const due = await findCasesDueForPurge(ctx.db, cutoff, BATCH);
    if (!due.length) break;
    for (const c of due) {
      const at = ctx.clock.now().toISOString();
      const purged = await ctx.db.transaction().execute(async (trx) => {
        const standIns = { caseData: ctx.sealer.seal(JSON.stringify({ ...CASE_TOMBSTONE, purgedAt: at })), filename: ctx.sealer.seal(PURGED_FILENAME) };
        const done = await purgeCaseRows(trx, c.id, standIns, at);
        if (done) {
          await ctx.audit.record(
            {
              action: 'case.purged', actor: 'system:retention', institutionId: c.institutionId, object: { type: 'case', id: c.id },
              details: { attachments: done.attachments, letters: done.letters, retentionDays: ctx.config.retentionDays },
            },
            trx,
          );
        }
        return done;
      });
      // Another instance may have purged it first: then its report has it.
      if (!purged) continue;
      report.cases++;
      report.attachments += purged.attachments;
      report.letters += purged.letters;
      report.files += await deleteUnreferenced(ctx, purged.blobKeys);
    }
  }
  report.sessions = await deleteEndedSessions(ctx.db, new Date(now.getTime() - SESSION_HISTORY_DAYS * DAY_MS).toISOString());
  return report;
}

async function deleteUnreferenced(ctx: RetentionCtx, keys: string[]): Promise<number> {
  let deleted = 0;
  for (const key of keys) {
    if (await isBlobInLiveUse(ctx.db, key)) continue;
    try {
      if (await ctx.blobs.has(key)) {
        await ctx.blobs.delete(key);
        deleted++;
      }
    } catch (err) {
      // The rows are purged already; a file left behind is reported, and unreadable without its row.
      ctx.logger.warn({ blob: key.slice(0, 12), err: err instanceof Error ? err.message : String(err) }, 'retention could not delete a stored file');
    }
  }
  return deleted;
}
