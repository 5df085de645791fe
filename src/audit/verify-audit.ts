import type { AuditAnchor } from '../store';
import { anchorDigest } from './anchor';
import { checkChain, type ChainCheck, type ChainedAuditEntry } from './chain';
import type { TimestampTokenVerifier } from './timestamps';

/** What the anchors of a chain showed. */
export interface AnchorReport {
  count: number;
  /** Anchors whose token was checked and found good (0 when no verifier was given). */
  tokensVerified: number;
  /** Whether tokens were checked at all, or only matched against the chain. */
  tokensChecked: boolean;
  /** The last entry a time-stamp covers, and when it was made. */
  lastAnchoredN: number;
  lastAnchoredAt?: string;
  /** Entries after the last anchor: chained, but not yet time-stamped. */
  unanchoredEntries: number;
}

export interface AnchoredChainCheck extends ChainCheck {
  anchors: AnchorReport;
}

/**
 * Checks one institution's chain and its time-stamped heads. The chain alone shows an altered,
 * deleted or inserted entry; a chain rewritten from some entry on with every hash recomputed is
 * consistent, but no longer ends where the TSA saw it, and the first anchor that differs names
 * the span that was rewritten.
 */
export async function checkAnchoredChain(
  institutionId: string,
  entries: Iterable<ChainedAuditEntry> | AsyncIterable<ChainedAuditEntry>,
  anchors: readonly AuditAnchor[],
  opts: { expectedHead?: { n: number; hash: string }; verifier?: TimestampTokenVerifier | undefined } = {},
): Promise<AnchoredChainCheck> {
  const wanted = new Set(anchors.map((a) => a.n));
  const anchorIds = new Set(anchors.map((a) => a.id));
  const seen = new Map<number, string>();
  // The log records each anchoring; an anchor that the log says was made must still be there.
  let lostAnchor: { n: number; id: string } | undefined;
  async function* tap(): AsyncGenerator<ChainedAuditEntry> {
    for await (const e of entries) {
      if (wanted.has(e.n)) seen.set(e.n, e.hash);
      if (!lostAnchor && e.action === 'audit.anchored' && e.objectId && !anchorIds.has(e.objectId)) lostAnchor = { n: e.n, id: e.objectId };
      yield e;
    }
  }
  const chain = await checkChain(tap(), opts.expectedHead);
  const ordered = [...anchors].sort((a, b) => a.n - b.n);
  const report: AnchorReport = {
    count: ordered.length,
    tokensVerified: 0,
    tokensChecked: Boolean(opts.verifier),
    lastAnchoredN: 0,
    unanchoredEntries: 0,
  };
  if (!chain.valid) return { ...chain, anchors: report };

  let goodUpTo = 0;
  for (const a of ordered) {
    const bad = (reason: string): AnchoredChainCheck => ({
      valid: false,
      entries: chain.entries,
      firstBadEntry: { institutionId, n: Math.min(goodUpTo + 1, a.n), reason },
      anchors: report,
    });
    if (a.institutionId !== institutionId) return bad(`time-stamp ${a.id} belongs to another chain`);
    const hash = seen.get(a.n);
    if (hash === undefined) return bad(`entry ${a.n}, time-stamped at ${a.genTime}, is missing (entries removed from the end)`);
    if (hash !== a.headHash) {
      return bad(`entries ${goodUpTo + 1}–${a.n} were rewritten: entry ${a.n} no longer has the hash time-stamped at ${a.genTime}`);
    }
    if (opts.verifier) {
      const verdict = await opts.verifier.verifyToken(Buffer.from(a.token, 'base64'), anchorDigest(institutionId, a.n, a.headHash));
      if (!verdict.ok) return bad(`the time-stamp over entry ${a.n} does not verify: ${verdict.detail}`);
      report.tokensVerified++;
    }
    goodUpTo = a.n;
    report.lastAnchoredN = a.n;
    report.lastAnchoredAt = a.genTime;
  }
  if (lostAnchor) {
    return {
      valid: false,
      entries: chain.entries,
      firstBadEntry: { institutionId, n: lostAnchor.n, reason: `the time-stamp ${lostAnchor.id} this entry records is missing (deleted)` },
      anchors: report,
    };
  }
  report.unanchoredEntries = Math.max(0, (chain.head?.n ?? 0) - report.lastAnchoredN);
  return { ...chain, anchors: report };
}
