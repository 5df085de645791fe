import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { AuditLog } from '../audit';
import type { Clock } from '../clock';
import { AppError } from '../errors';
import {
  countLoginFailure,
  extendSession,
  findLiveSession,
  findUserByEmail,
  insertSession,
  lockUser,
  recordLoginSuccess,
  revokeSession,
  updateUser,
  type Db,
} from '../store';
import { dummyPasswordHash, hashPassword, needsRehash, passwordRules, verifyPassword } from './password';
import type { Principal } from './principal';

interface Ctx {
  db: Db;
  clock: Clock;
  audit: AuditLog;
  config: { sessionTtlMinutes: number };
  metrics?: { loginsFailed: { inc(): void } };
}

/** Failed logins in a row before an account is locked; each further failure doubles the lock. */
export const LOCK_AFTER_FAILURES = 5;
const FIRST_LOCK_MS = 60_000;
const LONGEST_LOCK_MS = 60 * 60_000;
/** However active, a session ends this long after sign-in. */
export const SESSION_MAX_LIFETIME_MS = 24 * 60 * 60_000;
/** Sliding expiry is written at most this often per session. */
const EXTEND_EVERY_MS = 60_000;
/** Login events that belong to no institution (an unknown e-mail) are chained here. */
export const UNATTRIBUTED_CHAIN = '_sutne';

/** The one answer to every failed login, whatever the reason, so it reveals nothing. */
export const LOGIN_FAILED_MESSAGE = 'The e-mail address or password is wrong, or this account cannot sign in now. Try again later.';

export interface NewSession {
  /** Goes in the cookie, and nowhere else; only its SHA-256 is stored. */
  token: string;
  csrfToken: string;
  expiresAt: string;
  principal: Principal;
}

export interface LiveSession {
  principal: Principal;
  /** The session's id (SHA-256 of its token). */
  id: string;
  csrfToken: string;
  expiresAt: string;
}

export function sessionIdOf(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/**
 * Signs a person in. Every failure — unknown e-mail, wrong password, locked or disabled account —
 * throws the same UNAUTHENTICATED with the same message after the same password work, so neither
 * the answer nor its timing tells which. Failures count per account and lock it with a growing
 * delay; the audit log records each attempt by id (never the e-mail).
 */
export async function logIn(ctx: Ctx, input: { email: string; password: string }, requestId?: string): Promise<NewSession> {
  const now = ctx.clock.now();
  const email = input.email.trim().toLowerCase();
  const plausible = email.length > 0 && email.length <= 254 && input.password.length <= passwordRules.maxLength;
  const user = plausible ? await findUserByEmail(ctx.db, email) : undefined;
  // Always pay for one scrypt, with a real hash or the dummy one.
  const passwordOk = await verifyPassword(plausible ? input.password : '', user?.passwordHash ?? (await dummyPasswordHash()));
  const locked = Boolean(user?.lockedUntil && user.lockedUntil > now.toISOString());
  const disabled = Boolean(user?.disabledAt);

  if (user && passwordOk && !locked && !disabled) {
    const token = randomBytes(32).toString('base64url');
    const csrfToken = randomBytes(32).toString('base64url');
    const expiresAt = sessionExpiry(now, now, ctx.config.sessionTtlMinutes);
    const principal: Principal = { kind: 'user', id: user.id, institutionId: user.institutionId, role: user.role };
    // The one moment the password is known: raise an old hash to today's cost.
    const rehashed = needsRehash(user.passwordHash) ? await hashPassword(input.password) : undefined;
    await ctx.db.transaction().execute(async (trx) => {
      if (rehashed) await updateUser(trx, user.institutionId, user.id, { passwordHash: rehashed });
      await recordLoginSuccess(trx, user.id, now.toISOString());
      await insertSession(trx, {
        id: sessionIdOf(token), userId: user.id, institutionId: user.institutionId, csrfToken,
        createdAt: now.toISOString(), expiresAt,
      });
      await ctx.audit.record({ action: 'login.succeeded', actor: principal, institutionId: user.institutionId, object: { type: 'user', id: user.id }, requestId }, trx);
    });
    return { token, csrfToken, expiresAt, principal };
  }

  ctx.metrics?.loginsFailed.inc();
  const reason = !user ? 'unknown_account' : disabled ? 'disabled' : locked ? 'locked' : 'wrong_password';
  await ctx.db.transaction().execute(async (trx) => {
    let lockedUntil: string | undefined;
    if (user && !disabled && !passwordOk) {
      const failures = await countLoginFailure(trx, user.id);
      if (failures >= LOCK_AFTER_FAILURES) {
        const ms = Math.min(LONGEST_LOCK_MS, FIRST_LOCK_MS * 2 ** (failures - LOCK_AFTER_FAILURES));
        lockedUntil = new Date(now.getTime() + ms).toISOString();
        await lockUser(trx, user.id, lockedUntil);
      }
    }
    await ctx.audit.record(
      {
        action: 'login.failed',
        actor: 'anonymous',
        institutionId: user?.institutionId ?? UNATTRIBUTED_CHAIN,
        ...(user ? { object: { type: 'user', id: user.id } } : {}),
        requestId,
        details: { reason, ...(lockedUntil ? { lockedUntil } : {}) },
      },
      trx,
    );
  });
  throw new AppError('UNAUTHENTICATED', LOGIN_FAILED_MESSAGE);
}

/**
 * The live session a cookie token names, or undefined. Each use slides its expiry forward
 * (within the session's maximum lifetime).
 */
export async function findSession(ctx: Omit<Ctx, 'audit'>, token: string): Promise<LiveSession | undefined> {
  if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return undefined;
  const now = ctx.clock.now();
  const session = await findLiveSession(ctx.db, sessionIdOf(token), now.toISOString());
  if (!session) return undefined;
  const lastSeen = new Date(session.lastSeenAt).getTime();
  let expiresAt = session.expiresAt;
  if (now.getTime() - lastSeen >= EXTEND_EVERY_MS) {
    expiresAt = sessionExpiry(now, new Date(session.createdAt), ctx.config.sessionTtlMinutes);
    await extendSession(ctx.db, session.id, now.toISOString(), expiresAt, new Date(now.getTime() - EXTEND_EVERY_MS).toISOString());
  }
  return {
    principal: { kind: 'user', id: session.userId, institutionId: session.institutionId, role: session.role },
    id: session.id,
    csrfToken: session.csrfToken,
    expiresAt,
  };
}

/** Ends the session a cookie token names; signing out twice is not an error. */
export async function logOut(ctx: Ctx, token: string, requestId?: string): Promise<void> {
  const session = await findSession(ctx, token);
  if (!session) return;
  await ctx.db.transaction().execute(async (trx) => {
    if (await revokeSession(trx, session.id, ctx.clock.now().toISOString())) {
      await ctx.audit.record(
        { action: 'logout', actor: session.principal, institutionId: session.principal.institutionId, object: { type: 'user', id: session.principal.id }, requestId },
        trx,
      );
    }
  });
}

function sessionExpiry(now: Date, createdAt: Date, ttlMinutes: number): string {
  return new Date(Math.min(now.getTime() + ttlMinutes * 60_000, createdAt.getTime() + SESSION_MAX_LIFETIME_MS)).toISOString();
}

/** Rejects an unsafe request whose CSRF token is missing or not the session's. */
export function requireCsrf(expected: string, supplied: unknown): void {
  const a = Buffer.from(expected);
  const b = Buffer.from(typeof supplied === 'string' ? supplied : '');
  if (a.length !== b.length || !timingSafeEqual(a, b)) {
    throw new AppError('CSRF_FAILED', 'This request is missing the form\'s security token, or it is stale. Reload the page and try again.');
  }
}
