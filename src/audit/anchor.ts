import { createHash, randomUUID } from 'node:crypto';
import type { Principal } from '../access/principal';
import type { Clock } from '../clock';
import { AppError } from '../errors';
import { auditHeads, insertAuditAnchor, type AuditAnchor, type Db } from '../store';
import type { AuditLog } from './audit-log';
import { canonicalJson } from './canonical-json';
import type { AnchorTimestamper } from './timestamps';

/**
 * What a time-stamp over a chain head covers: the institution, the entry's position and its hash.
 * Binding all three means a token cannot be moved to another chain or another position.
 */
export function anchorDigest(institutionId: string, n: number, headHash: string): Buffer {
  return createHash('sha256').update(anchorStatement(institutionId, n, headHash), 'utf8').digest();
}

/** The text whose SHA-256 the TSA stamps (shown in exports, so anyone can recompute the digest). */
export function anchorStatement(institutionId: string, n: number, headHash: string): string {
  return canonicalJson({ kind: 'sutne-audit-anchor', version: 1, institutionId, n, hash: headHash });
}

export interface AnchorContext {
  db: Db;
  clock: Clock;
  audit: AuditLog;
  tsa: AnchorTimestamper;
}

/**
 * Has the TSA time-stamp the institution's current chain head, keeps the token, and records
 * `audit.anchored`. The TSA is asked outside any transaction, so appends are never held up by it;
 * entries appended meanwhile are covered by the next anchor. Answers undefined for an empty chain.
 */
export async function anchorChain(ctx: AnchorContext, institutionId: string, by: Principal | string, requestId?: string): Promise<AuditAnchor | undefined> {
  const head = (await auditHeads(ctx.db)).find((h) => h.institutionId === institutionId);
  if (!head || head.n === 0) return undefined;
  let token: { der: Buffer; genTime: Date; tsa: string };
  try {
    token = await ctx.tsa.timestamp(anchorDigest(institutionId, head.n, head.hash), 'sha256');
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw new AppError('TSA_UNAVAILABLE', `The time-stamp authority (${ctx.tsa.name}) did not answer; try again shortly.`, undefined, { cause: err });
  }
  const anchor: AuditAnchor = {
    id: randomUUID(),
    institutionId,
    n: head.n,
    headHash: head.hash,
    token: token.der.toString('base64'),
    genTime: token.genTime.toISOString(),
    tsa: token.tsa,
    createdAt: ctx.clock.now().toISOString(),
  };
  await ctx.db.transaction().execute(async (trx) => {
    await insertAuditAnchor(trx, anchor);
    await ctx.audit.record(
      { action: 'audit.anchored', actor: by, institutionId, object: { type: 'audit_anchor', id: anchor.id }, requestId, details: { n: anchor.n } },
      trx,
    );
  });
  return anchor;
}
