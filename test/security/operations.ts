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
  queryParams: string[];
  pathParams: string[];
  unsafe: boolean;
}

interface OpenApiDoc {
  paths: Record<string, Record<string, {
    'x-permission'?: Permission;
    parameters?: Array<{ in: string; name: string }>;
    requestBody?: { content: Record<string, unknown> };
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
  if (op.bodyType === 'application/json') return req.send({});
  if (op.bodyType === 'multipart/form-data') return req.attach('file', Buffer.from('%PDF-1.4\n%%EOF\n'), 'x.pdf');
  if (op.bodyType) return req.set('Content-Type', op.bodyType).send(Buffer.from('%PDF-1.4\n%%EOF\n'));
  return req;
}
