import type { Role } from '../../access/roles';
import type { Db } from '../database';

export interface ApiKeyRecord {
  id: string;
  institutionId: string;
  role: Role;
  name: string | null;
  keyPrefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export async function insertApiKey(
  db: Db,
  k: { id: string; institutionId: string; role: Role; name: string | null; keyHash: string; keyPrefix: string; createdAt: string },
): Promise<void> {
  await db
    .insertInto('api_keys')
    .values({
      id: k.id,
      institution_id: k.institutionId,
      role: k.role,
      name: k.name,
      key_hash: k.keyHash,
      key_prefix: k.keyPrefix,
      created_at: k.createdAt,
      last_used_at: null,
      revoked_at: null,
    })
    .execute();
}

/** The live (not revoked) key with this hash. */
export async function findActiveApiKeyByHash(db: Db, keyHash: string): Promise<ApiKeyRecord | undefined> {
  const row = await db
    .selectFrom('api_keys')
    .selectAll()
    .where('key_hash', '=', keyHash)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return row && toRecord(row);
}

export async function listApiKeys(db: Db, institutionId: string): Promise<ApiKeyRecord[]> {
  const rows = await db
    .selectFrom('api_keys')
    .selectAll()
    .where('institution_id', '=', institutionId)
    .orderBy('created_at')
    .execute();
  return rows.map(toRecord);
}

/** Revokes a key of this institution; false when there is no such live key. */
export async function revokeApiKey(db: Db, institutionId: string, id: string, at: string): Promise<boolean> {
  const res = await db
    .updateTable('api_keys')
    .set({ revoked_at: at })
    .where('id', '=', id)
    .where('institution_id', '=', institutionId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

/** Records use at most once a minute per key, so authentication stays a read. */
export async function touchApiKey(db: Db, id: string, at: string, notSince: string): Promise<void> {
  await db
    .updateTable('api_keys')
    .set({ last_used_at: at })
    .where('id', '=', id)
    .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', notSince)]))
    .execute();
}

function toRecord(row: {
  id: string; institution_id: string; role: string; name: string | null; key_prefix: string;
  created_at: string; last_used_at: string | null; revoked_at: string | null;
}): ApiKeyRecord {
  return {
    id: row.id,
    institutionId: row.institution_id,
    role: row.role as Role,
    name: row.name,
    keyPrefix: row.key_prefix,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
    revokedAt: row.revoked_at,
  };
}
