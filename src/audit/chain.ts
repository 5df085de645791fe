import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json';

export const GENESIS_HASH = '0'.repeat(64);

/** One audit entry as hashed: ids and codes only, never names, personal codes or e-mail addresses. */
export interface AuditEntry {
  institutionId: string;
  n: number;
  at: string;
  actor: string;
  action: string;
  objectType: string | null;
  objectId: string | null;
  requestId: string | null;
  details: Record<string, string | number | boolean | null>;
}

export interface ChainedAuditEntry extends AuditEntry {
  prevHash: string;
  hash: string;
}

/** hash = SHA-256(prevHash ‖ canonical JSON of the entry). */
export function entryHash(prevHash: string, entry: AuditEntry): string {
  const body = canonicalJson({
    institutionId: entry.institutionId,
    n: entry.n,
    at: entry.at,
    actor: entry.actor,
    action: entry.action,
    objectType: entry.objectType,
    objectId: entry.objectId,
    requestId: entry.requestId,
    details: entry.details,
  });
  return createHash('sha256').update(prevHash, 'utf8').update(body, 'utf8').digest('hex');
}

export interface ChainCheck {
  valid: boolean;
  entries: number;
  /** The first entry that was altered, or that follows a deleted or inserted one. */
  firstBadEntry?: { institutionId: string; n: number; reason: string };
  head?: { n: number; hash: string };
}

/**
 * Checks one institution's chain, given in order of `n`. `expectedHead` (from the head table or a
 * time-stamped anchor) catches entries cut off the end, which a chain alone cannot show.
 */
export async function checkChain(
  entries: Iterable<ChainedAuditEntry> | AsyncIterable<ChainedAuditEntry>,
  expectedHead?: { n: number; hash: string },
): Promise<ChainCheck> {
  let prev = GENESIS_HASH;
  let expectedN = 1;
  let count = 0;
  let last: ChainedAuditEntry | undefined;
  for await (const e of entries) {
    count++;
    if (e.n !== expectedN) {
      const reason = e.n > expectedN ? `entry ${expectedN} is missing (deleted)` : `entry ${e.n} appears again (inserted)`;
      return { valid: false, entries: count, firstBadEntry: { institutionId: e.institutionId, n: e.n, reason } };
    }
    if (e.prevHash !== prev) {
      return { valid: false, entries: count, firstBadEntry: { institutionId: e.institutionId, n: e.n, reason: 'does not follow the entry before it (an entry was deleted, inserted or altered)' } };
    }
    if (entryHash(prev, e) !== e.hash) {
      return { valid: false, entries: count, firstBadEntry: { institutionId: e.institutionId, n: e.n, reason: 'content altered after it was written' } };
    }
    prev = e.hash;
    expectedN++;
    last = e;
  }
  if (expectedHead && (expectedHead.n !== (last?.n ?? 0) || (last && expectedHead.hash !== last.hash))) {
    const n = Math.min(expectedHead.n, (last?.n ?? 0) + 1);
    return {
      valid: false,
      entries: count,
      firstBadEntry: { institutionId: last?.institutionId ?? '', n, reason: `the chain ends at entry ${last?.n ?? 0} but its head says ${expectedHead.n} (entries removed from the end)` },
    };
  }
  return { valid: true, entries: count, ...(last ? { head: { n: last.n, hash: last.hash } } : {}) };
}
