/** The tamper-evident audit log: hash-chained entries per institution, time-stamped by a TSA. */
export { AuditLog, type AuditAction, type AuditEvent, type AuditReport, type AuditTimestamps, type InstitutionAuditReport } from './audit-log';
export { canonicalJson } from './canonical-json';
export { checkChain, entryHash, GENESIS_HASH, type AuditEntry, type ChainedAuditEntry, type ChainCheck } from './chain';
export { anchorChain, anchorDigest, anchorStatement, type AnchorContext } from './anchor';
export { auditAnchorWorker, ANCHOR_ACTOR } from './anchor-worker';
export { checkAnchoredChain, type AnchoredChainCheck, type AnchorReport } from './verify-audit';
export type { AnchorTimestamper, TimestampTokenVerifier, TokenVerdict } from './timestamps';
