import type { RequestHandler } from 'express';
import { AppError } from '../../errors';

/**
 * A request that has not started answering within `ms` gets 503 REQUEST_TIMEOUT and its
 * connection closed. The work may still finish (each step is a transaction, so nothing is left
 * half-written); a retry with the same Idempotency-Key finds it. Handlers that can stop early
 * watch `res.locals.signal`. An answer already streaming is not cut off.
 */
export function requestTimeout(ms: number): RequestHandler {
  return (_req, res, next) => {
    const controller = new AbortController();
    res.locals.signal = controller.signal;
    const timer = setTimeout(() => {
      const err = new AppError('REQUEST_TIMEOUT', `The request took longer than ${Math.round(ms / 1000)} s and was stopped. If it changed something, retry it with the same Idempotency-Key.`);
      controller.abort(err);
      if (res.headersSent) return;
      res.locals.timedOut = true;
      res.locals.errorCode = err.code;
      res.setHeader('Connection', 'close');
      res.status(503).json({ error: { code: err.code, message: err.message } });
    }, ms);
    res.on('close', () => clearTimeout(timer));
    res.on('finish', () => clearTimeout(timer));
    next();
  };
}
