import { z } from 'zod';
import { AppError } from '../../errors';
import { DEFAULT_EXPORT_STATUSES, letterFilterSchema, prepareExport } from '../../export';
import { findExport, listExports, type ExportRecord } from '../../store';
import type { ApiRouter } from '../api-router';

const exportJobSchema = z
  .object({
    id: z.string(),
    state: z.enum(['running', 'done', 'failed']),
    lettersTotal: z.number().int(),
    lettersDone: z.number().int(),
    bytesWritten: z.number().int(),
    filters: z.record(z.string(), z.unknown()),
    sha256: z.string().nullable().describe('SHA-256 of the whole archive as sent, once done: compare it with a file you were handed.'),
    errorCode: z.string().nullable(),
    createdBy: z.string(),
    createdAt: z.string(),
    updatedAt: z.string(),
    finishedAt: z.string().nullable(),
  })
  .meta({ id: 'ExportJob' });

function jobOf(r: ExportRecord): z.infer<typeof exportJobSchema> {
  return {
    id: r.id, state: r.state, lettersTotal: r.lettersTotal, lettersDone: r.lettersDone, bytesWritten: r.bytesWritten, filters: r.filters,
    sha256: r.sha256, errorCode: r.errorCode, createdBy: r.createdBy, createdAt: r.createdAt, updatedAt: r.updatedAt, finishedAt: r.finishedAt,
  };
}

/** The bulk export, and the jobs a web page follows while one is made. */
export function exportRoutes(api: ApiRouter): void {
  api.route(
    {
      method: 'get', path: '/export', summary: "Bulk export of the institution's correspondence (ZIP, streamed)", tags: ['export'], permission: 'export:create',
      description:
        'A ZIP streamed as it is made: `manifest.json`, `manifest.csv`, a folder per letter (signed PDF, work materials, the sent ' +
        '`.eml`, `letter.json`), the audit chain with its RFC 3161 time-stamps, and `README.txt` on how to check it ' +
        `(\`sutne export verify\`). Without \`status\`, the letters with status ${DEFAULT_EXPORT_STATUSES.join(', ')}. ` +
        'To follow progress from a web page, choose a new UUID, pass it as `exportId`, and poll `GET /exports/{exportId}` ' +
        'while the download runs; the id is also in the `X-Export-Id` header.',
      query: letterFilterSchema.extend({
        exportId: z.uuid().optional().describe('A new UUID chosen by the caller, to follow this export at `GET /exports/{exportId}`.'),
      }).strict(),
      responses: {
        200: { description: 'The archive.', contentType: 'application/zip', schema: z.string().meta({ format: 'binary' }) },
        409: { description: '`exportId` was used before.' },
        503: { description: 'The time-stamp authority did not answer: nothing was exported.' },
      },
    },
    async ({ deps, principal, query, requestId, res }) => {
      const prepared = await prepareExport(deps, {
        institutionId: principal.institutionId,
        filters: { from: query.from, to: query.to, recipient: query.recipient, status: query.status },
        by: principal,
        requestId,
        exportId: query.exportId,
      });
      res.status(200).set({
        'Content-Type': 'application/zip',
        'Content-Disposition': `attachment; filename="${prepared.filename}"`,
        'Cache-Control': 'no-store',
        'X-Export-Id': prepared.id,
        'X-Export-Letters': String(prepared.lettersTotal),
      });
      try {
        await prepared.writeTo(res);
      } catch (err) {
        // Headers are out: the only way left to say "incomplete" is to cut the connection.
        deps.logger.warn({ requestId, exportId: prepared.id, err: err instanceof Error ? err.message : String(err) }, 'export stopped before its end');
        res.destroy();
      }
    },
  );

  api.route(
    {
      method: 'get', path: '/exports', summary: "The institution's recent exports", tags: ['export'], permission: 'export:create',
      query: z.object({ limit: z.coerce.number().int().min(1).max(100).default(20) }).strict(),
      responses: { 200: { description: 'Newest first.', schema: z.object({ items: z.array(exportJobSchema) }) } },
    },
    async ({ deps, principal, query, res }) => {
      res.json({ items: (await listExports(deps.db, principal.institutionId, query.limit)).map(jobOf) });
    },
  );

  api.route(
    {
      method: 'get', path: '/exports/{id}', summary: "An export's progress", tags: ['export'], permission: 'export:create',
      description: 'Letters written so far of the total, bytes sent, and when done the archive\'s SHA-256. Updated about once a second.',
      params: z.object({ id: z.string().max(64) }),
      responses: { 200: { description: 'The export.', schema: exportJobSchema } },
    },
    async ({ deps, principal, params, res }) => {
      const found = await findExport(deps.db, principal.institutionId, params.id);
      if (!found) throw new AppError('NOT_FOUND', 'No export with this id in your institution.');
      res.json(jobOf(found));
    },
  );
}
