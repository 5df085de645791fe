import type { RequestHandler } from 'express';
import { findSession, hashApiKey, requireCsrf, type Principal } from '../../access';
import type { Deps } from '../../deps';
import { AppError } from '../../errors';
import { findActiveApiKeyByHash, touchApiKey } from '../../store';
import { readCookie, requireSameOrigin, SAFE_METHODS, SESSION_COOKIE } from '../session-cookie';

/** The header an API call authenticated by the session cookie sends its CSRF token in. */
export const CSRF_HEADER = 'x-csrf-token';

/** Finds who is calling, from whatever credentials the request carries; `undefined` when none. */
export type Authenticator = (req: Parameters<RequestHandler>[0], deps: Deps) => Promise<Principal | undefined>;

/** `Authorization: Bearer <api key>`. A key that is sent but unknown or revoked is a 401, never anonymous. */
export const bearerKey: Authenticator = async (req, deps) => {
  const header = req.get('authorization');
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) throw new AppError('UNAUTHENTICATED', 'Send the API key as "Authorization: Bearer <key>".');
  const record = await findActiveApiKeyByHash(deps.db, hashApiKey(match[1]!));
  if (!record) throw new AppError('UNAUTHENTICATED', 'This API key is unknown or revoked.');
  const now = deps.clock.now();
  await touchApiKey(deps.db, record.id, now.toISOString(), new Date(now.getTime() - 60_000).toISOString());
  return { kind: 'api_key', id: record.id, institutionId: record.institutionId, role: record.role };
};

/**
 * The web session cookie of a signed-in person. A cookie that names no live session is a 401.
 * Unsafe methods must come from our own origin and carry the session's CSRF token in the
 * `X-CSRF-Token` header (or a form's `_csrf` field, when a page posted a parsed form).
 */
export const sessionCookie: Authenticator = async (req, deps) => {
  const token = readCookie(req, SESSION_COOKIE);
  if (!token) return undefined;
  const session = await findSession(deps, token);
  if (!session) throw new AppError('UNAUTHENTICATED', 'Your session has ended. Sign in again.');
  if (!SAFE_METHODS.has(req.method)) {
    requireSameOrigin(req);
    const body = req.body as { _csrf?: unknown } | undefined;
    requireCsrf(session.csrfToken, req.get(CSRF_HEADER) ?? body?._csrf);
  }
  return session.principal;
};

/**
 * Puts the caller's principal in `res.locals.principal`. Routes decide whether one is needed;
 * this only refuses credentials that are present and wrong.
 */
export function authenticate(deps: Deps, authenticators: Authenticator[]): RequestHandler {
  return async (req, res, next) => {
    for (const a of authenticators) {
      const principal = await a(req, deps);
      if (principal) {
        res.locals.principal = principal;
        break;
      }
    }
    next();
  };
}
