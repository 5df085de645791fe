/** Persistence: the database (Kysely over SQLite or PostgreSQL), its migrations, and blob storage. */
export { openDatabase, pingDatabase, type Db, type DatabaseHandle, type DialectName } from './database';
export { migrateToLatest, type MigrationReport } from './migrate';
export type { BlobStore, StoredBlob } from './blob-store';
export { FsBlobStore } from './fs-blob-store';
export { plainSealer, type DataSealer } from './data-sealer';
export type * from './schema';
export * from './repositories/institutions';
export * from './repositories/api-keys';
export * from './repositories/users';
export * from './repositories/audit';
export * from './repositories/register';
export * from './repositories/exports';
export * from './repositories/cases';
export * from './repositories/attachments';
export * from './repositories/idempotency';
export * from './repositories/letters';
export { isUniqueViolation } from './errors';
export * from './repositories/outbox';
