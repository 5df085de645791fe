import { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import express, { type Express, type RequestHandler } from 'express';
import helmet from 'helmet';
import type { Deps } from '../deps';
import { ApiRouter } from './api-router';
import { authenticate, bearerKey, sessionCookie } from './middleware/authenticate';
import { errorHandler, notFound } from './middleware/error-handler';
import { idempotency } from './middleware/idempotency';
import { perAddress, perPrincipal } from './middleware/rate-limits';
import { requestTimeout } from './middleware/request-timeout';
import { requestContext } from './middleware/request-context';
import { buildOpenApiDocument } from './openapi';
import { apiRouteModules } from './routes';
import { systemRoutes } from './routes/system';
import { webRoutes } from '../web';

const API_BASE = '/api/v1';
const VERSION = (require('../../package.json') as { version: string }).version;

/** Answers about children's cases must not be kept by browsers or proxies. */
const noStore: RequestHandler = (_req, res, next) => {
  res.setHeader('Cache-Control', 'no-store');
  next();
};

/** Builds the Express application over wired dependencies; it does not listen. */
export function createApp(deps: Deps): { app: Express; openApiDocument: () => object } {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', deps.config.trustProxy);
  app.set('query parser', 'simple');

  app.use(requestContext(deps.logger, deps.metrics));
  app.use(requestTimeout(deps.config.limits.requestTimeoutMs));
  app.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          imgSrc: ["'self'", 'data:'],
          fontSrc: ["'self'"],
          connectSrc: ["'self'"],
          frameSrc: ["'self'"],
          objectSrc: ["'none'"],
          baseUri: ["'none'"],
          formAction: ["'self'"],
          frameAncestors: ["'self'"],
        },
      },
      crossOriginEmbedderPolicy: false,
      // Our own pages' requests carry their origin (checked on cookie-authenticated changes); other sites learn nothing.
      referrerPolicy: { policy: 'same-origin' },
      strictTransportSecurity: deps.config.env === 'production',
    }),
  );

  const registry = new OpenAPIRegistry();
  let document: object | undefined;
  const openApiDocument = () => (document ??= buildOpenApiDocument(registry, VERSION));

  app.use(systemRoutes(deps, openApiDocument));

  const api = new ApiRouter(deps, registry, API_BASE);
  for (const mount of apiRouteModules) mount(api);
  app.use(
    API_BASE,
    noStore,
    perAddress(deps.config.limits.rateLimitPerAddressPerMinute, deps.onClose),
    authenticate(deps, [bearerKey, sessionCookie]),
    perPrincipal(deps.config.limits.rateLimitPerMinute, deps.onClose),
    idempotency(deps),
    api.router,
  );
  app.use(webRoutes(deps));

  app.use(notFound);
  app.use(errorHandler(deps.logger));
  return { app, openApiDocument };
}
