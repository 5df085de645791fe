import { randomUUID } from 'node:crypto';
import type { AuditLog } from '../audit';
import type { Clock } from '../clock';
import { AppError } from '../errors';
import { findInstitution, findUserByEmail, insertApiKey, insertUser, isUniqueViolation, revokeApiKey, type Db } from '../store';
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

async function requireInstitution(db: Db, id: string): Promise<void> {
  if (!(await findInstitution(db, id))) {
    throw new AppError('INSTITUTION_NOT_FOUND', `No institution "${id}". Register it first with: sutne institution add <file.json>`);
  }
}
