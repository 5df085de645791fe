import type { RequestHandler } from 'express';
import { MemoryStore, rateLimit } from 'express-rate-limit';
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
export function perAddress(limit: number, onClose: OnClose): RequestHandler {
  return rateLimit({ windowMs: 60_000, limit, standardHeaders: 'draft-7', legacyHeaders: false, handler: refuse, store: counters(onClose) });
}

/** Requests per minute per API key or signed-in person; runs after authentication. */
export function perPrincipal(limit: number, onClose: OnClose): RequestHandler {
  return rateLimit({
    store: counters(onClose),
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

type OnClose = (release: () => void) => void;

/**
 * The counters in this process. Their store clears expired counts on an interval that only
 * `shutdown` stops; it is released with the app's dependencies, so an app that is closed (as in
 * every test) leaves no timer holding it, and everything it reaches, in memory.
 */
export function counters(onClose: OnClose): MemoryStore {
  const store = new MemoryStore();
  onClose(() => store.shutdown());
  return store;
}
