import type { Readable } from 'node:stream';
import type { Principal } from '../access/principal';
import { actorOf } from '../access/principal';
import type { Clock } from '../clock';
import type { Db } from '../store';
import { appendAudit, auditedInstitutions, auditHeads, listAuditAnchors, readAuditChain, type AuditAnchor } from '../store';
import type { AuditEntry, ChainCheck, ChainedAuditEntry } from './chain';
import { AppError } from '../errors';
import { anchorChain } from './anchor';
import type { AnchorTimestamper, TimestampTokenVerifier } from './timestamps';
import { checkAnchoredChain, type AnchoredChainCheck } from './verify-audit';

/** What happened. New actions are added here so the log's vocabulary stays in one place. */
export type AuditAction =
  | 'institution.created'
  | 'apikey.created'
  | 'apikey.revoked'
  | 'user.created'
  | 'user.updated'
  | 'user.sessions_revoked'
  | 'login.succeeded'
  | 'login.failed'
  | 'logout'
  | 'case.created'
  | 'case.read'
  | 'case.purged'
  | 'attachment.uploaded'
  | 'attachment.downloaded'
  | 'letter.rendered'
  | 'letter.pdf_viewed'
  | 'letter.message_viewed'
  | 'letter.signed'
  | 'letter.sign_failed'
  | 'letter.signed_externally'
  | 'letter.queued'
  | 'letter.sent'
  | 'letter.send_failed'
  | 'letter.failed'
  | 'letter.cancelled'
  | 'export.created'
  | 'pdf.verified'
  | 'audit.verified'
  | 'audit.anchored';

export interface AuditEvent {
  action: AuditAction;
  /** Who: a principal, or a fixed actor like `system:outbox`. */
  actor: Principal | string;
  institutionId: string;
  object?: { type: string; id: string };
  requestId?: string | undefined;
  /** Ids, counts and codes only. */
  details?: AuditEntry['details'];
}

/** The tamper-evident log of everything done with a case or letter. */
export class AuditLog {
  private timestamps: AuditTimestamps | undefined;

  constructor(private readonly db: Db, private readonly clock: Clock) {}

  /**
   * Connects the time-stamp authority (the signing domain's client) and a token verifier: from
   * then on `anchor` works and `check` verifies every anchor's token.
   */
  useTimestamps(timestamps: AuditTimestamps): void {
    this.timestamps = timestamps;
  }

  get timestamped(): AuditTimestamps | undefined {
    return this.timestamps;
  }

  /** Has the TSA time-stamp the institution's chain head now (see `anchorChain`). */
  async anchor(institutionId: string, by: Principal | string, requestId?: string): Promise<AuditAnchor | undefined> {
    if (!this.timestamps) throw new AppError('TSA_UNAVAILABLE', 'No time-stamp authority is configured for the audit log.');
    return anchorChain({ db: this.db, clock: this.clock, audit: this, tsa: this.timestamps.tsa }, institutionId, by, requestId);
  }

  /** Records an event; pass the action's transaction as `db` so both commit together. */
  async record(event: AuditEvent, db: Db = this.db): Promise<ChainedAuditEntry> {
    return appendAudit(db, {
      institutionId: event.institutionId,
      at: this.clock.now().toISOString(),
      actor: typeof event.actor === 'string' ? event.actor : actorOf(event.actor),
      action: event.action,
      objectType: event.object?.type ?? null,
      objectId: event.object?.id ?? null,
      requestId: event.requestId ?? null,
      details: event.details ?? {},
    });
  }

  /**
   * Opens what a person reads (a letter's PDF, a sent message, a work material) only with the
   * read on the record: if the entry cannot be written, the stream is closed and the read fails.
   */
  async recordRead(event: AuditEvent, open: () => Promise<Readable>): Promise<Readable> {
    const stream = await open();
    try {
      await this.record(event);
    } catch (err) {
      stream.destroy();
      throw err;
    }
    return stream;
  }

  /** Verifies one institution's chain, or every chain; the first bad entry is named. */
  async verify(institutionId?: string, opts: { verifier?: TimestampTokenVerifier | undefined } = {}): Promise<ChainCheck> {
    const report = await this.check(institutionId, opts);
    return { valid: report.valid, entries: report.entries, ...(report.firstBadEntry ? { firstBadEntry: report.firstBadEntry } : {}) };
  }

  /**
   * Checks each chain (one institution's, or every one) and its time-stamped heads; with a
   * verifier, every time-stamp token too. Reports each institution, so none hides another.
   */
  async check(institutionId?: string, opts: { verifier?: TimestampTokenVerifier | undefined } = {}): Promise<AuditReport> {
    const heads = new Map((await auditHeads(this.db)).map((h) => [h.institutionId, h]));
    const ids = institutionId ? [institutionId] : await auditedInstitutions(this.db);
    const institutions: InstitutionAuditReport[] = [];
    for (const id of ids) {
      // A chain whose head row was deleted must still end where the log says: expect n = 0 then.
      const head = heads.get(id) ?? { n: 0, hash: '' };
      const result = await checkAnchoredChain(id, readAuditChain(this.db, id), await listAuditAnchors(this.db, id), {
        expectedHead: head,
        verifier: opts.verifier ?? this.timestamps?.verifier,
      });
      institutions.push({ institutionId: id, ...result });
    }
    const firstBad = institutions.find((r) => !r.valid)?.firstBadEntry;
    return {
      valid: institutions.every((r) => r.valid),
      entries: institutions.reduce((sum, r) => sum + r.entries, 0),
      ...(firstBad ? { firstBadEntry: firstBad } : {}),
      institutions,
    };
  }
}

export interface AuditTimestamps {
  tsa: AnchorTimestamper;
  verifier: TimestampTokenVerifier;
}

export interface InstitutionAuditReport extends AnchoredChainCheck {
  institutionId: string;
}

export interface AuditReport {
  valid: boolean;
  entries: number;
  firstBadEntry?: ChainCheck['firstBadEntry'];
  institutions: InstitutionAuditReport[];
}
