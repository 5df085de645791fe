import type { ErrorRequestHandler, RequestHandler } from 'express';
import { AppError, statusOf, type ErrorCode } from '../../errors';
import type { Logger } from '../../logger';

/** Unknown routes answer the CONTRACT error shape too. */
export const notFound: RequestHandler = (req, _res, next) => {
  next(new AppError('NOT_FOUND', `There is no ${req.method} ${req.path}.`));
};

/**
 * The one place errors become answers: AppError by its code's status, body-parser failures by
 * theirs, anything else a 500 that says nothing of the internals (the log has the stack, keyed
 * by request id).
 */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err, _req, res, next) => {
    if (res.locals.timedOut) {
      // The client already has its 503; the late work ended this way.
      logger.warn({ requestId: res.locals.requestId, err: err instanceof Error ? err.message : String(err) }, 'work ended after the request timed out');
      return;
    }
    if (res.headersSent) {
      // The answer is already streaming: all that is left is to cut it off.
      logger.error({ requestId: res.locals.requestId, err }, 'error after the answer started');
      next(err);
      return;
    }
    const appError = toAppError(err);
    if (appError.code === 'INTERNAL') logger.error({ requestId: res.locals.requestId, err }, 'unexpected error');
    res.locals.errorCode = appError.code;
    const status = statusOf(appError.code);
    if (status === 401) res.setHeader('WWW-Authenticate', 'Bearer realm="sutne"');
    res.status(status).json({
      error: {
        code: appError.code,
        message: appError.message,
        ...(appError.details?.length ? { details: appError.details } : {}),
      },
    });
  };
}

function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  const e = err as { type?: string; status?: number; limit?: number } | undefined;
  switch (e?.type) {
    case 'entity.parse.failed':
      return new AppError('INVALID_JSON', 'The body is not valid JSON.');
    case 'entity.too.large':
      return new AppError('PAYLOAD_TOO_LARGE', `The body is larger than the limit of ${e.limit} bytes.`);
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new AppError('UNSUPPORTED_MEDIA_TYPE', 'Send the body as UTF-8.');
    case 'request.aborted':
      return new AppError('VALIDATION_FAILED', 'The request was aborted before its body arrived.');
  }
  if (isDatabaseDown(err)) return new AppError('DATABASE_UNAVAILABLE', 'The database is not reachable just now. Try again shortly.');
  const code: ErrorCode = e?.status === 413 ? 'PAYLOAD_TOO_LARGE' : 'INTERNAL';
  return new AppError(code, code === 'INTERNAL' ? 'Something went wrong on our side. Quote the X-Request-Id header when reporting it.' : 'The body is too large.');
}

/** The database is down or gone (not a bad query): a 503 the caller may retry, not a 500. */
function isDatabaseDown(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown } | undefined;
  // PostgreSQL: 57P01–57P03 shutdown/cannot connect now, 53300 too many connections, 08xxx connection exceptions.
  if (typeof e?.code === 'string' && /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|57P0[123]|53300|08\w{3}|SQLITE_BUSY|SQLITE_CANTOPEN)$/.test(e.code)) return true;
  return typeof e?.message === 'string' && /driver has already been destroyed|database connection is not open|Connection terminated/.test(e.message);
}
