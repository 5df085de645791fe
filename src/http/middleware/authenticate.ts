import type { RequestHandler } from 'express';
import { hashApiKey, type Principal } from '../../access';
import type { Deps } from '../../deps';
import { AppError } from '../../errors';
import { findActiveApiKeyByHash, touchApiKey } from '../../store';

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
