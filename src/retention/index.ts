/** Retention: deleting case data and materials after RETENTION_DAYS, keeping the register and the audit chain. */
export { purgeExpired, CASE_TOMBSTONE, PURGED_FILENAME, type RetentionCtx, type RetentionReport } from './purge-expired';
export { RetentionWorker } from './retention-worker';
