import type { OpenAPIRegistry, RouteConfig } from '@asteasolutions/zod-to-openapi';
import express, { type Request, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import type { Permission, Principal } from '../access';
import { can } from '../access';
import type { Deps } from '../deps';
import { AppError } from '../errors';
import { parseInput, type InputMessages } from '../validate';
import { errorBodySchema } from './schemas';

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** What a handler gets: the wired services, who is calling, and the validated input. */
export interface ApiContext<B, Q, P> {
  deps: Deps;
  principal: Principal;
  requestId: string;
  body: B;
  query: Q;
  params: P;
  req: Request;
  res: Response;
}

interface ResponseSpec {
  description: string;
  schema?: z.ZodType;
  /** Defaults to application/json when a schema is given. */
  contentType?: string;
}

export interface RouteSpec<B, Q, P> {
  method: Method;
  /** OpenAPI style, relative to the router's base: `/letters/{id}/pdf`. */
  path: string;
  summary: string;
  description?: string;
  tags: string[];
  /** The permission the caller's role must have (roles.ts decides). */
  permission: Permission;
  body?: z.ZodType<B>;
  /** For bodies that are not JSON (multipart, PDF): documented, and left unread for the handler. */
  rawBody?: { contentType: string; description: string; schema?: z.ZodType };
  query?: z.ZodType<Q>;
  params?: z.ZodType<P>;
  headers?: z.ZodObject;
  /** The words for validation errors, when this route's users need other than the default English. */
  messages?: InputMessages;
  responses: Record<number, ResponseSpec>;
}

const standardErrors: Record<number, string> = {
  400: 'Invalid input; every bad field is named by its path.',
  401: 'No, unknown or revoked credentials.',
  403: "The caller's role may not do this.",
  404: "Unknown, or another institution's object.",
  429: 'Too many requests.',
};

/**
 * An Express router whose every route is also an OpenAPI operation built from the same zod
 * schemas that validate it, so the published document cannot drift from the code.
 */
export class ApiRouter {
  readonly router = express.Router();

  constructor(
    /** The wired services, for route modules whose schemas depend on them (the scheme's grounds). */
    readonly deps: Deps,
    private readonly registry: OpenAPIRegistry,
    private readonly basePath: string,
  ) {}

  route<B = undefined, Q = Record<string, never>, P = Record<string, never>>(
    spec: RouteSpec<B, Q, P>,
    handler: (ctx: ApiContext<B, Q, P>) => Promise<void>,
  ): void {
    this.registry.registerPath(this.openApiOf(spec));
    const deps = this.deps;
    const steps: RequestHandler[] = [];
    if (spec.body) {
      steps.push(requireJson, express.json({ limit: deps.config.limits.jsonBodyBytes, type: () => true, strict: false }));
    }
    steps.push(async (req, res) => {
      const principal = res.locals.principal as Principal | undefined;
      if (!principal) throw new AppError('UNAUTHENTICATED', 'Sign in, or send an API key as "Authorization: Bearer <key>".');
      if (!can(principal.role, spec.permission)) {
        throw new AppError('FORBIDDEN', `The role "${principal.role}" may not do this (${spec.permission}).`);
      }
      await handler({
        deps,
        principal,
        requestId: res.locals.requestId as string,
        body: spec.body ? parseInput(spec.body, req.body ?? {}, 'The request body', spec.messages) : (undefined as B),
        query: spec.query ? parseInput(spec.query, req.query, 'The query', spec.messages) : ({} as Q),
        params: spec.params ? parseInput(spec.params, req.params, 'The path', spec.messages) : ({} as P),
        req,
        res,
      });
    });
    this.router[spec.method](toExpressPath(spec.path), ...steps);
  }

  private openApiOf<B, Q, P>(spec: RouteSpec<B, Q, P>): RouteConfig {
    const request: NonNullable<RouteConfig['request']> = {};
    if (spec.params) request.params = spec.params as unknown as z.ZodObject;
    if (spec.query) request.query = spec.query as unknown as z.ZodObject;
    if (spec.headers) request.headers = spec.headers;
    if (spec.body) request.body = { required: true, content: { 'application/json': { schema: spec.body } } };
    if (spec.rawBody) {
      request.body = {
        required: true,
        description: spec.rawBody.description,
        content: { [spec.rawBody.contentType]: { schema: spec.rawBody.schema ?? z.string().meta({ format: 'binary' }) } },
      };
    }
    const responses: RouteConfig['responses'] = {};
    for (const [status, r] of Object.entries(spec.responses)) {
      responses[status] = r.schema
        ? { description: r.description, content: { [r.contentType ?? 'application/json']: { schema: r.schema } } }
        : { description: r.description };
    }
    for (const [status, description] of Object.entries(standardErrors)) {
      if (status === '400' && !spec.body && !spec.query && !spec.params && !spec.rawBody) continue;
      responses[status] ??= { description, content: { 'application/json': { schema: errorBodySchema } } };
    }
    return {
      method: spec.method,
      path: this.basePath + spec.path,
      summary: spec.summary,
      ...(spec.description ? { description: spec.description } : {}),
      tags: spec.tags,
      // The permission the caller's role needs (access/roles.ts), for readers and the attack suite.
      'x-permission': spec.permission,
      security: [{ bearerAuth: [] }, { sessionCookie: [] }],
      request,
      responses,
    };
  }
}

function toExpressPath(openApiPath: string): string {
  return openApiPath.replace(/\{(\w+)\}/g, ':$1');
}

const requireJson: RequestHandler = (req, _res, next) => {
  // null: no body at all, which the schema judges as {}; false: a body that is not JSON.
  if (req.is('application/json') === false) {
    next(new AppError('UNSUPPORTED_MEDIA_TYPE', 'Send the body as JSON with "Content-Type: application/json".'));
    return;
  }
  next();
};
