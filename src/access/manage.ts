import { randomUUID } from 'node:crypto';
import type { AuditLog } from '../audit';
import type { Clock } from '../clock';
import { AppError } from '../errors';
import {
  findInstitution, findUserByEmail, findUserIn, insertApiKey, insertUser, isUniqueViolation, revokeApiKey, revokeUserSessions,
  updateUser, type Db,
} from '../store';
import { generateApiKey } from './api-key';
import { hashPassword, passwordRules } from './password';
import type { Principal } from './principal';
import type { Role } from './roles';

interface Ctx {
  db: Db;
  clock: Clock;
  audit: AuditLog;
}

/** Creates an API key and answers it once; only its hash is kept. */
export async function createApiKey(
  ctx: Ctx,
  input: { institutionId: string; role: Role; name?: string | undefined },
  by: Principal | string,
): Promise<{ id: string; key: string }> {
  await requireInstitution(ctx.db, input.institutionId);
  const { key, hash, displayPrefix } = generateApiKey();
  const id = randomUUID();
  await ctx.db.transaction().execute(async (trx) => {
    await insertApiKey(trx, {
      id,
      institutionId: input.institutionId,
      role: input.role,
      name: input.name ?? null,
      keyHash: hash,
      keyPrefix: displayPrefix,
      createdAt: ctx.clock.now().toISOString(),
    });
    await ctx.audit.record(
      { action: 'apikey.created', actor: by, institutionId: input.institutionId, object: { type: 'apikey', id }, details: { role: input.role } },
      trx,
    );
  });
  return { id, key };
}

export async function revokeKey(ctx: Ctx, institutionId: string, id: string, by: Principal | string): Promise<void> {
  await ctx.db.transaction().execute(async (trx) => {
    const done = await revokeApiKey(trx, institutionId, id, ctx.clock.now().toISOString());
    if (!done) throw new AppError('API_KEY_NOT_FOUND', 'No live API key with this id in your institution.');
    await ctx.audit.record({ action: 'apikey.revoked', actor: by, institutionId, object: { type: 'apikey', id } }, trx);
  });
}

export async function createUser(
  ctx: Ctx,
  input: { institutionId: string; role: Role; email: string; password: string; displayName?: string | undefined },
  by: Principal | string,
): Promise<{ id: string }> {
  await requireInstitution(ctx.db, input.institutionId);
  if (input.role === 'system') {
    throw new AppError('VALIDATION_FAILED', 'The system role is for API keys of other systems, not for people.', [
      { path: 'role', message: 'people cannot have the system role' },
    ]);
  }
  if (input.password.length < passwordRules.minLength || input.password.length > passwordRules.maxLength) {
    throw new AppError('VALIDATION_FAILED', `The password must be ${passwordRules.minLength}–${passwordRules.maxLength} characters long.`, [
      { path: 'password', message: `must be at least ${passwordRules.minLength} characters` },
    ]);
  }
  const email = input.email.trim().toLowerCase();
  if (await findUserByEmail(ctx.db, email)) throw new AppError('ALREADY_EXISTS', 'A user with this e-mail address already exists.');
  const id = randomUUID();
  const passwordHash = await hashPassword(input.password);
  try {
    await ctx.db.transaction().execute(async (trx) => {
      await insertUser(trx, {
        id,
        institutionId: input.institutionId,
        email,
        role: input.role,
        displayName: input.displayName ?? null,
        passwordHash,
        createdAt: ctx.clock.now().toISOString(),
      });
      await ctx.audit.record(
        { action: 'user.created', actor: by, institutionId: input.institutionId, object: { type: 'user', id }, details: { role: input.role } },
        trx,
      );
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new AppError('ALREADY_EXISTS', 'A user with this e-mail address already exists.');
    throw err;
  }
  return { id };
}

/**
 * Changes a person's role, name or whether they may sign in. Disabling or a new role ends every
 * session the person has, so the change holds at once. Nobody changes their own role or disables
 * themselves: an institution must not lock out its last admin by accident.
 */
export async function changeUser(
  ctx: Ctx,
  institutionId: string,
  id: string,
  change: { role?: Role; displayName?: string | null; disabled?: boolean },
  by: Principal | string,
): Promise<void> {
  if (typeof by !== 'string' && by.kind === 'user' && by.id === id && (change.role !== undefined || change.disabled)) {
    throw new AppError('CONFLICT', 'You cannot change your own role or disable yourself; ask another admin.');
  }
  if (change.role === 'system') {
    throw new AppError('VALIDATION_FAILED', 'The system role is for API keys of other systems, not for people.', [
      { path: 'role', message: 'people cannot have the system role' },
    ]);
  }
  const now = ctx.clock.now().toISOString();
  await ctx.db.transaction().execute(async (trx) => {
    const before = await findUserIn(trx, institutionId, id);
    if (!before) throw new AppError('USER_NOT_FOUND', 'No user with this id in your institution.');
    const disabledAt = change.disabled === undefined ? undefined : change.disabled ? (before.disabledAt ?? now) : null;
    await updateUser(trx, institutionId, id, { role: change.role, displayName: change.displayName, disabledAt });
    const roleChanged = change.role !== undefined && change.role !== before.role;
    const ended = roleChanged || change.disabled ? await revokeUserSessions(trx, id, now) : 0;
    await ctx.audit.record(
      {
        action: 'user.updated', actor: by, institutionId, object: { type: 'user', id },
        details: {
          ...(roleChanged ? { role: change.role! } : {}),
          ...(change.disabled !== undefined ? { disabled: change.disabled } : {}),
          ...(change.displayName !== undefined ? { displayNameChanged: true } : {}),
          sessionsEnded: ended,
        },
      },
      trx,
    );
  });
}

/** Ends every session of a person of this institution (a lost laptop, a departure). */
export async function endUserSessions(ctx: Ctx, institutionId: string, id: string, by: Principal | string): Promise<number> {
  return ctx.db.transaction().execute(async (trx) => {
    if (!(await findUserIn(trx, institutionId, id))) throw new AppError('USER_NOT_FOUND', 'No user with this id in your institution.');
    const ended = await revokeUserSessions(trx, id, ctx.clock.now().toISOString());
    await ctx.audit.record(
      { action: 'user.sessions_revoked', actor: by, institutionId, object: { type: 'user', id }, details: { sessionsEnded: ended } },
      trx,
    );
    return ended;
  });
}

async function requireInstitution(db: Db, id: string): Promise<void> {
  if (!(await findInstitution(db, id))) {
    throw new AppError('INSTITUTION_NOT_FOUND', `No institution "${id}". Register it first with: sutne institution add <file.json>`);
  }
}
