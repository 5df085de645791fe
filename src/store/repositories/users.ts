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
