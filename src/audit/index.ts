/** The tamper-evident audit log: hash-chained entries per institution. */
export { AuditLog, type AuditAction, type AuditEvent } from './audit-log';
export { canonicalJson } from './canonical-json';
export { checkChain, entryHash, GENESIS_HASH, type AuditEntry, type ChainedAuditEntry, type ChainCheck } from './chain';
