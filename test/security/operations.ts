import type supertest from 'supertest';
import type { Permission } from '../../src/access';
import type { TestService } from '../support/service';
import { objectBySegment, type Objects } from './world';

/** One operation of the published OpenAPI document, as an attacker sees it. */
export interface Operation {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** OpenAPI path, e.g. `/api/v1/cases/{id}`. */
  path: string;
  permission: Permission;
  /** The request body's media type, if it takes one. */
  bodyType?: string;
  /** The JSON body's schema, to send a body that passes validation and reaches the object lookup. */
  bodySchema?: JsonSchema;
  queryParams: string[];
  pathParams: string[];
  unsafe: boolean;
}

interface OpenApiDoc {
  paths: Record<string, Record<string, {
    'x-permission'?: Permission;
    parameters?: Array<{ in: string; name: string }>;
    requestBody?: { content: Record<string, { schema?: JsonSchema }> };
  }>>;
}

/** Every `/api/v1` operation of the document: new routes are attacked without anyone listing them. */
export function operationsOf(doc: object): Operation[] {
  const ops: Operation[] = [];
  for (const [p, methods] of Object.entries((doc as OpenApiDoc).paths)) {
    if (!p.startsWith('/api/v1/')) continue;
    for (const [method, op] of Object.entries(methods)) {
      if (!op['x-permission']) throw new Error(`${method.toUpperCase()} ${p} names no permission in the OpenAPI document`);
      ops.push({
        method: method as Operation['method'],
        path: p,
        permission: op['x-permission'],
        ...(op.requestBody ? { bodyType: Object.keys(op.requestBody.content)[0]! } : {}),
        ...(op.requestBody?.content['application/json']?.schema ? { bodySchema: op.requestBody.content['application/json'].schema } : {}),
        queryParams: (op.parameters ?? []).filter((x) => x.in === 'query').map((x) => x.name),
        pathParams: [...p.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!),
        unsafe: method !== 'get',
      });
    }
  }
  return ops;
}

/** The URL of `op` aimed at institution A's objects, or the segments nobody taught this suite. */
export function urlFor(op: Operation, objects: Objects | undefined): { url: string; unknown: string[] } {
  const unknown: string[] = [];
  const url = op.path.replace(/([^/]+)\/\{(\w+)\}/g, (_m, segment: string) => {
    const which = objectBySegment[segment];
    if (!which) unknown.push(segment);
    return `${segment}/${which && objects ? encodeURIComponent(objects[which]) : '00000000-0000-4000-8000-000000000000'}`;
  });
  return { url, unknown };
}

export const label = (op: Operation) => `${op.method.toUpperCase()} ${op.path}`;

export interface Credentials {
  bearer?: string;
  cookie?: string;
  csrf?: string;
  origin?: string;
}

/** Sends `op` to `url` with a plausible body of its media type, as the given caller. */
export function send(request: TestService['request'], op: Operation, url: string, who: Credentials): supertest.Test {
  let req = request[op.method](url);
  if (who.bearer) req = req.set('Authorization', `Bearer ${who.bearer}`);
  if (who.cookie) req = req.set('Cookie', who.cookie);
  if (who.csrf) req = req.set('X-CSRF-Token', who.csrf);
  if (who.origin) req = req.set('Origin', who.origin);
  if (op.bodyType === 'application/json') return req.send(op.bodySchema ? (exampleOf(op.bodySchema) as object) : {});
  if (op.bodyType === 'multipart/form-data') return req.attach('file', Buffer.from('%PDF-1.4\n%%EOF\n'), 'x.pdf');
  if (op.bodyType) return req.set('Content-Type', op.bodyType).send(Buffer.from('%PDF-1.4\n%%EOF\n'));
  return req;
}

interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  enum?: unknown[];
  const?: unknown;
  minLength?: number;
  minimum?: number;
  format?: string;
  items?: JsonSchema;
  minItems?: number;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
}

/** The smallest value the schema accepts, as far as a body needs to be valid for the route to look its object up. */
function exampleOf(schema: JsonSchema): unknown {
  if (schema.const !== undefined) return schema.const;
  if (schema.enum?.length) return schema.enum[0];
  const alternative = schema.anyOf?.[0] ?? schema.oneOf?.[0];
  if (alternative) return exampleOf(alternative);
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const name of schema.required ?? []) out[name] = exampleOf(schema.properties?.[name] ?? {});
      return out;
    }
    case 'array':
      return Array.from({ length: schema.minItems ?? 0 }, () => exampleOf(schema.items ?? {}));
    case 'string':
      if (schema.format === 'email') return 'x@example.lv';
      if (schema.format === 'date') return '2026-01-01';
      return 'x'.repeat(Math.max(1, schema.minLength ?? 1));
    case 'integer':
    case 'number':
      return schema.minimum ?? 1;
    case 'boolean':
      return false;
    default:
      return {};
  }
}
