import type { Principal } from '../access/principal';
import { actorOf } from '../access/principal';
import type { Clock } from '../clock';
import type { Db } from '../store';
import { appendAudit, auditedInstitutions, auditHeads, readAuditChain } from '../store';
import { checkChain, type AuditEntry, type ChainCheck, type ChainedAuditEntry } from './chain';

/** What happened. New actions are added here so the log's vocabulary stays in one place. */
export type AuditAction =
  | 'institution.created'
  | 'apikey.created'
  | 'apikey.revoked'
  | 'user.created'
  | 'user.updated'
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
  | 'letter.signed'
  | 'letter.sign_failed'
  | 'letter.signed_externally'
  | 'letter.queued'
  | 'letter.sent'
  | 'letter.send_failed'
  | 'letter.failed'
  | 'letter.cancelled'
  | 'export.created'
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
  constructor(private readonly db: Db, private readonly clock: Clock) {}

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

  /** Verifies one institution's chain, or every chain; the first bad entry is named. */
  async verify(institutionId?: string): Promise<ChainCheck> {
    const heads = new Map((await auditHeads(this.db)).map((h) => [h.institutionId, h]));
    const ids = institutionId ? [institutionId] : await auditedInstitutions(this.db);
    let total = 0;
    for (const id of ids) {
      // A chain whose head row was deleted must still end where the log says: expect n = 0 then.
      const head = heads.get(id) ?? { n: 0, hash: '' };
      const result = await checkChain(readAuditChain(this.db, id), head);
      total += result.entries;
      if (!result.valid) return { ...result, entries: total };
    }
    return { valid: true, entries: total };
  }
}
