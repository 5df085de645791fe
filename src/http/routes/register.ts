import { z } from 'zod';
import { childNameHasher } from '../../cases';
import { AppError } from '../../errors';
import { letterFilterSchema, letterHistory, readRegister } from '../../export';
import type { ApiRouter } from '../api-router';
import { letterViewSchema } from './register-schemas';

const historyEntrySchema = z
  .object({
    n: z.number().int(), at: z.string(), actor: z.string(), action: z.string(),
    objectType: z.string().nullable(), objectId: z.string().nullable(), details: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'AuditEntry' });

/** The register of correspondence, and each letter's audit history. */
export function registerRoutes(api: ApiRouter): void {
  api.route(
    {
      method: 'get', path: '/letters', summary: 'The register: letters, newest first', tags: ['register'], permission: 'register:read',
      description:
        'Cursor pagination over (registration time, id): pass `nextCursor` as `cursor` for the next, older page. Letters registered ' +
        'meanwhile never shift or repeat later pages. `childName` needs the `register:personal` permission; it is matched through a ' +
        'keyed hash (case, diacritics and word order do not matter), never stored.',
      query: letterFilterSchema.extend({
        registrationNumber: z.string().trim().min(1).max(64).optional().describe('Exact registration number, e.g. `1-13/2026/5`.'),
        childName: z.string().trim().min(2).max(200).optional(),
        limit: z.coerce.number().int().min(1).max(200).default(50),
        cursor: z.string().max(400).optional(),
      }).strict(),
      responses: {
        200: { description: 'One page of the register.', schema: z.object({ items: z.array(letterViewSchema), nextCursor: z.string().nullable() }) },
      },
    },
    async ({ deps, principal, query, res }) => {
      const page = await readRegister({ db: deps.db, sealer: deps.sealer, childNameHash: childNameHasher(deps.config.dataKey) }, principal, query);
      res.json(page);
    },
  );

  api.route(
    {
      method: 'get', path: '/letters/{id}/history', summary: "A letter's audit history", tags: ['register'], permission: 'letter:read',
      description: 'The audit entries about the letter, its case and its work materials, in order: ids and codes, never names.',
      params: z.object({ id: z.string().max(64) }),
      responses: { 200: { description: 'The entries.', schema: z.object({ items: z.array(historyEntrySchema) }) } },
    },
    async ({ deps, principal, params, res }) => {
      const items = await letterHistory(deps.db, principal.institutionId, params.id);
      if (!items) throw new AppError('LETTER_NOT_FOUND', 'No letter with this id in your institution.');
      res.json({ items });
    },
  );
}
