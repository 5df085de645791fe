import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { Logger } from '../../logger';
import type { Metrics } from '../../metrics';

const SAFE_ID = /^[A-Za-z0-9._-]{8,64}$/;

/**
 * Gives every request an id (the caller's `X-Request-Id` when it is sane), and when it ends, one
 * log line and the metrics. The log line holds the route pattern, never the URL's query or a body,
 * so no personal data reaches the log.
 */
export function requestContext(logger: Logger, metrics: Metrics): RequestHandler {
  return (req, res, next) => {
    const given = req.get('x-request-id');
    const requestId = given && SAFE_ID.test(given) ? given : randomUUID();
    res.locals.requestId = requestId;
    res.setHeader('X-Request-Id', requestId);
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const route = routeOf(req.baseUrl, req.route?.path) ?? 'unmatched';
      metrics.httpRequests.inc({ method: req.method, route, status: String(res.statusCode) });
      metrics.httpDuration.observe({ method: req.method, route }, seconds);
      const principal = res.locals.principal as { kind: string; id: string; institutionId: string } | undefined;
      logger.info(
        {
          requestId,
          method: req.method,
          route,
          status: res.statusCode,
          ms: Math.round(seconds * 1e4) / 10,
          principal: principal ? `${principal.kind}:${principal.id}` : undefined,
          institution: principal?.institutionId,
          errorCode: res.locals.errorCode as string | undefined,
        },
        'request',
      );
    });
    next();
  };
}

function routeOf(base: string, path: unknown): string | undefined {
  return typeof path === 'string' ? base + path : undefined;
}
