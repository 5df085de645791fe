import { z } from 'zod';
import { changeUser, createApiKey, createUser, endUserSessions, revokeKey, roles } from '../../access';
import { listApiKeys, listUsers } from '../../store';
import type { ApiRouter } from '../api-router';

const apiKeySchema = z
  .object({
    id: z.string(),
    role: z.enum(roles),
    name: z.string().nullable(),
    keyPrefix: z.string().describe('The first characters of the key, to recognise it.'),
    createdAt: z.string(),
    lastUsedAt: z.string().nullable(),
    revokedAt: z.string().nullable(),
  })
  .meta({ id: 'ApiKey' });

const userSchema = z
  .object({
    id: z.string(),
    email: z.string(),
    role: z.enum(roles),
    displayName: z.string().nullable(),
    createdAt: z.string(),
    lastLoginAt: z.string().nullable(),
    disabledAt: z.string().nullable(),
  })
  .meta({ id: 'User' });

const idParams = z.object({ id: z.string().max(64) });

/** An institution's admin manages its own keys and users; nothing here reaches another institution. */
export function accessRoutes(api: ApiRouter): void {
  api.route(
    {
      method: 'get', path: '/apikeys', summary: "List the institution's API keys", tags: ['access'], permission: 'keys:manage',
      responses: { 200: { description: 'The keys (never the secrets).', schema: z.object({ items: z.array(apiKeySchema) }) } },
    },
    async ({ deps, principal, res }) => {
      const keys = await listApiKeys(deps.db, principal.institutionId);
      res.json({ items: keys.map(({ institutionId: _i, ...k }) => k) });
    },
  );

  api.route(
    {
      method: 'post', path: '/apikeys', summary: 'Create an API key', tags: ['access'], permission: 'keys:manage',
      body: z.object({ role: z.enum(roles), name: z.string().trim().min(1).max(100).optional() }).strict(),
      responses: {
        201: {
          description: 'The key, shown this once.',
          schema: z.object({ id: z.string(), key: z.string(), role: z.enum(roles), name: z.string().nullable() }),
        },
      },
    },
    async ({ deps, principal, body, res }) => {
      const { id, key } = await createApiKey(deps, { institutionId: principal.institutionId, role: body.role, name: body.name }, principal);
      res.status(201).json({ id, key, role: body.role, name: body.name ?? null });
    },
  );

  api.route(
    {
      method: 'delete', path: '/apikeys/{id}', summary: 'Revoke an API key at once', tags: ['access'], permission: 'keys:manage',
      params: idParams,
      responses: { 204: { description: 'Revoked.' } },
    },
    async ({ deps, principal, params, res }) => {
      await revokeKey(deps, principal.institutionId, params.id, principal);
      res.status(204).end();
    },
  );

  api.route(
    {
      method: 'get', path: '/users', summary: "List the institution's users", tags: ['access'], permission: 'users:manage',
      responses: { 200: { description: 'The users.', schema: z.object({ items: z.array(userSchema) }) } },
    },
    async ({ deps, principal, res }) => {
      const users = await listUsers(deps.db, principal.institutionId);
      res.json({
        items: users.map((u) => ({
          id: u.id, email: u.email, role: u.role, displayName: u.displayName, createdAt: u.createdAt,
          lastLoginAt: u.lastLoginAt, disabledAt: u.disabledAt,
        })),
      });
    },
  );

  api.route(
    {
      method: 'post', path: '/users', summary: 'Create a web user', tags: ['access'], permission: 'users:manage',
      body: z
        .object({
          email: z.email().max(254),
          role: z.enum(roles).refine((r) => r !== 'system', 'people cannot have the system role'),
          password: z.string().min(12, 'must be at least 12 characters').max(200),
          displayName: z.string().trim().min(1).max(100).optional(),
        })
        .strict(),
      responses: { 201: { description: 'Created.', schema: z.object({ id: z.string() }) } },
    },
    async ({ deps, principal, body, res }) => {
      const { id } = await createUser(deps, { ...body, institutionId: principal.institutionId }, principal);
      res.status(201).json({ id });
    },
  );

  api.route(
    {
      method: 'patch', path: '/users/{id}', summary: "Change a user's role, name, or whether they may sign in", tags: ['access'],
      permission: 'users:manage',
      description: 'A new role or disabling ends every session the user has. Nobody changes their own role or disables themselves.',
      params: idParams,
      body: z
        .object({
          role: z.enum(roles).refine((r) => r !== 'system', 'people cannot have the system role').optional(),
          displayName: z.string().trim().min(1).max(100).nullable().optional(),
          disabled: z.boolean().optional(),
        })
        .strict(),
      responses: { 204: { description: 'Changed.' } },
    },
    async ({ deps, principal, params, body, res }) => {
      await changeUser(deps, principal.institutionId, params.id, body, principal);
      res.status(204).end();
    },
  );

  api.route(
    {
      method: 'delete', path: '/users/{id}/sessions', summary: 'Sign a user out everywhere', tags: ['access'], permission: 'users:manage',
      params: idParams,
      responses: { 200: { description: 'How many sessions were ended.', schema: z.object({ ended: z.number().int() }) } },
    },
    async ({ deps, principal, params, res }) => {
      res.json({ ended: await endUserSessions(deps, principal.institutionId, params.id, principal) });
    },
  );
}
