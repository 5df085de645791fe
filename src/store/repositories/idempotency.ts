import type { Db } from '../database';
import { isUniqueViolation } from '../errors';

/** A remembered request: `status` is null while the first call is still running. */
export interface IdempotencyRecord {
  institutionId: string;
  key: string;
  scope: string;
  requestHash: string;
  status: number | null;
  /** Sealed JSON of the answer's body. */
  response: string | null;
  createdAt: string;
}

/**
 * Claims the key for a call now starting. False when the institution already used it: then
 * `findIdempotencyRecord` tells whether that call is running or done.
 */
export async function claimIdempotencyKey(
  db: Db,
  r: { institutionId: string; key: string; scope: string; requestHash: string; createdAt: string },
): Promise<boolean> {
  try {
    await db
      .insertInto('idempotency_keys')
      .values({ institution_id: r.institutionId, key: r.key, scope: r.scope, request_hash: r.requestHash, status: null, response: null, created_at: r.createdAt })
      .execute();
    return true;
  } catch (err) {
    if (isUniqueViolation(err)) return false;
    throw err;
  }
}

export async function findIdempotencyRecord(db: Db, institutionId: string, key: string): Promise<IdempotencyRecord | undefined> {
  const row = await db
    .selectFrom('idempotency_keys')
    .selectAll()
    .where('institution_id', '=', institutionId)
    .where('key', '=', key)
    .executeTakeFirst();
  return (
    row && {
      institutionId: row.institution_id,
      key: row.key,
      scope: row.scope,
      requestHash: row.request_hash,
      status: row.status === null ? null : Number(row.status),
      response: row.response,
      createdAt: row.created_at,
    }
  );
}

/** Records the first call's answer, so retries get it. */
export async function completeIdempotencyKey(
  db: Db,
  r: { institutionId: string; key: string; requestHash: string; status: number; response: string },
): Promise<void> {
  await db
    .updateTable('idempotency_keys')
    .set({ request_hash: r.requestHash, status: r.status, response: r.response })
    .where('institution_id', '=', r.institutionId)
    .where('key', '=', r.key)
    .execute();
}

/**
 * Forgets a key so a retry runs again: a call that ended without an answer worth repeating, or
 * an expired record. With `createdAt`, only that record goes, never one claimed since.
 */
export async function releaseIdempotencyKey(db: Db, institutionId: string, key: string, createdAt?: string): Promise<void> {
  let q = db.deleteFrom('idempotency_keys').where('institution_id', '=', institutionId).where('key', '=', key);
  if (createdAt) q = q.where('created_at', '=', createdAt);
  await q.execute();
}

/** Removes every record created before `before`; answers how many. */
export async function purgeIdempotencyKeys(db: Db, before: string): Promise<number> {
  const res = await db.deleteFrom('idempotency_keys').where('created_at', '<', before).executeTakeFirst();
  return Number(res.numDeletedRows);
}
