import type { Role } from '../../access/roles';
import type { Db } from '../database';
import type { UserRow } from '../schema';

export interface UserRecord {
  id: string;
  institutionId: string;
  email: string;
  role: Role;
  displayName: string | null;
  passwordHash: string;
  failedLogins: number;
  lockedUntil: string | null;
  lastLoginAt: string | null;
  createdAt: string;
  disabledAt: string | null;
}

export async function insertUser(
  db: Db,
  u: { id: string; institutionId: string; email: string; role: Role; displayName: string | null; passwordHash: string; createdAt: string },
): Promise<void> {
  await db
    .insertInto('users')
    .values({
      id: u.id,
      institution_id: u.institutionId,
      email: u.email,
      role: u.role,
      display_name: u.displayName,
      password_hash: u.passwordHash,
      failed_logins: 0,
      locked_until: null,
      last_login_at: null,
      created_at: u.createdAt,
      disabled_at: null,
    })
    .execute();
}

export async function findUserByEmail(db: Db, email: string): Promise<UserRecord | undefined> {
  const row = await db.selectFrom('users').selectAll().where('email', '=', email.toLowerCase()).executeTakeFirst();
  return row && toUser(row);
}

export async function findUser(db: Db, id: string): Promise<UserRecord | undefined> {
  const row = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toUser(row);
}

export async function listUsers(db: Db, institutionId: string): Promise<UserRecord[]> {
  const rows = await db.selectFrom('users').selectAll().where('institution_id', '=', institutionId).orderBy('email').execute();
  return rows.map(toUser);
}

function toUser(row: UserRow): UserRecord {
  return {
    id: row.id,
    institutionId: row.institution_id,
    email: row.email,
    role: row.role as Role,
    displayName: row.display_name,
    passwordHash: row.password_hash,
    failedLogins: row.failed_logins,
    lockedUntil: row.locked_until,
    lastLoginAt: row.last_login_at,
    createdAt: row.created_at,
    disabledAt: row.disabled_at,
  };
}

/** Counts a failed login and answers the new count (atomic, so parallel guesses all count). */
export async function countLoginFailure(db: Db, id: string): Promise<number> {
  await db
    .updateTable('users')
    .set((eb) => ({ failed_logins: eb('failed_logins', '+', 1) }))
    .where('id', '=', id)
    .execute();
  const row = await db.selectFrom('users').select('failed_logins').where('id', '=', id).executeTakeFirstOrThrow();
  return row.failed_logins;
}

export async function lockUser(db: Db, id: string, until: string): Promise<void> {
  await db.updateTable('users').set({ locked_until: until }).where('id', '=', id).execute();
}

export async function recordLoginSuccess(db: Db, id: string, at: string): Promise<void> {
  await db.updateTable('users').set({ failed_logins: 0, locked_until: null, last_login_at: at }).where('id', '=', id).execute();
}

/** Changes a user of this institution; false when there is no such user there. */
export async function updateUser(
  db: Db,
  institutionId: string,
  id: string,
  change: { role?: Role; displayName?: string | null; disabledAt?: string | null; passwordHash?: string },
): Promise<boolean> {
  const set: Record<string, unknown> = {};
  if (change.role !== undefined) set.role = change.role;
  if (change.displayName !== undefined) set.display_name = change.displayName;
  if (change.disabledAt !== undefined) set.disabled_at = change.disabledAt;
  if (change.passwordHash !== undefined) Object.assign(set, { password_hash: change.passwordHash, failed_logins: 0, locked_until: null });
  if (!Object.keys(set).length) return Boolean(await findUserIn(db, institutionId, id));
  const res = await db.updateTable('users').set(set).where('id', '=', id).where('institution_id', '=', institutionId).executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

/** The user with this id in this institution (another institution's user is not found). */
export async function findUserIn(db: Db, institutionId: string, id: string): Promise<UserRecord | undefined> {
  const row = await db.selectFrom('users').selectAll().where('id', '=', id).where('institution_id', '=', institutionId).executeTakeFirst();
  return row && toUser(row);
}
