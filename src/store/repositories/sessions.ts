import type { Role } from '../../access/roles';
import type { Db } from '../database';

export interface SessionRecord {
  /** SHA-256 of the token; the token itself is only in the cookie. */
  id: string;
  userId: string;
  institutionId: string;
  role: Role;
  csrfToken: string;
  createdAt: string;
  expiresAt: string;
  lastSeenAt: string;
}

export async function insertSession(
  db: Db,
  s: { id: string; userId: string; institutionId: string; csrfToken: string; createdAt: string; expiresAt: string },
): Promise<void> {
  await db
    .insertInto('sessions')
    .values({
      id: s.id,
      user_id: s.userId,
      institution_id: s.institutionId,
      csrf_token: s.csrfToken,
      created_at: s.createdAt,
      expires_at: s.expiresAt,
      last_seen_at: s.createdAt,
      revoked_at: null,
    })
    .execute();
}

/**
 * The live session with this id: not revoked, not expired, and its user neither disabled nor
 * moved to another institution. The role is the user's role now, so a change takes effect at once.
 */
export async function findLiveSession(db: Db, id: string, now: string): Promise<SessionRecord | undefined> {
  const row = await db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .select([
      'sessions.id', 'sessions.user_id', 'sessions.institution_id', 'sessions.csrf_token', 'sessions.created_at',
      'sessions.expires_at', 'sessions.last_seen_at', 'users.role',
    ])
    .where('sessions.id', '=', id)
    .where('sessions.revoked_at', 'is', null)
    .where('sessions.expires_at', '>', now)
    .where('users.disabled_at', 'is', null)
    .whereRef('users.institution_id', '=', 'sessions.institution_id')
    .executeTakeFirst();
  return (
    row && {
      id: row.id,
      userId: row.user_id,
      institutionId: row.institution_id,
      role: row.role as Role,
      csrfToken: row.csrf_token,
      createdAt: row.created_at,
      expiresAt: row.expires_at,
      lastSeenAt: row.last_seen_at,
    }
  );
}

/** Slides the expiry; writes at most once per `notSince`, so most requests stay reads. */
export async function extendSession(db: Db, id: string, at: string, expiresAt: string, notSince: string): Promise<void> {
  await db
    .updateTable('sessions')
    .set({ last_seen_at: at, expires_at: expiresAt })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .where('last_seen_at', '<', notSince)
    .execute();
}

/** Ends one session; false when it was not live. */
export async function revokeSession(db: Db, id: string, at: string): Promise<boolean> {
  const res = await db
    .updateTable('sessions')
    .set({ revoked_at: at })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

/** Ends every live session of a user; answers how many. */
export async function revokeUserSessions(db: Db, userId: string, at: string): Promise<number> {
  const res = await db
    .updateTable('sessions')
    .set({ revoked_at: at })
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', at)
    .executeTakeFirst();
  return Number(res.numUpdatedRows);
}

/** Forgets sessions that ended before `before` (housekeeping). */
export async function deleteEndedSessions(db: Db, before: string): Promise<number> {
  const res = await db
    .deleteFrom('sessions')
    .where((eb) => eb.or([eb('expires_at', '<', before), eb('revoked_at', '<', before)]))
    .executeTakeFirst();
  return Number(res.numDeletedRows);
}
