import type { RequestHandler } from 'express';
import { rateLimit } from 'express-rate-limit';
import type { Principal } from '../../access';
import { AppError } from '../../errors';

const refuse: RequestHandler = (_req, _res, next) => {
  next(new AppError('RATE_LIMITED', 'Too many requests. Wait for the time in the Retry-After header and try again.'));
};

/**
 * Requests per minute per client address (IPv6 by /56), before credentials are looked at, so
 * guessing keys is slow too. Counted in this process: with several instances the limit is per
 * instance. Answers 429 in the CONTRACT error shape, with `RateLimit` and `Retry-After` headers.
 */
export function perAddress(limit: number): RequestHandler {
  return rateLimit({ windowMs: 60_000, limit, standardHeaders: 'draft-7', legacyHeaders: false, handler: refuse });
}

/** Requests per minute per API key or signed-in person; runs after authentication. */
export function perPrincipal(limit: number): RequestHandler {
  return rateLimit({
    windowMs: 60_000,
    limit,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    skip: (_req, res) => !res.locals.principal,
    keyGenerator: (_req, res) => {
      const p = res.locals.principal as Principal;
      return `${p.kind}:${p.id}`;
    },
    handler: refuse,
  });
}
