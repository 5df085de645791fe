import { z } from 'zod';
import type { ApiRouter } from '../api-router';

const auditVerifySchema = z
  .object({
    valid: z.boolean(),
    entries: z.number().int(),
    firstBadEntry: z
      .object({ institutionId: z.string(), n: z.number().int(), reason: z.string() })
      .optional()
      .describe('The first entry that was altered, or that follows a deleted or inserted one.'),
    anchors: z.object({
      count: z.number().int(),
      tokensChecked: z.boolean(),
      tokensVerified: z.number().int(),
      lastAnchoredN: z.number().int(),
      lastAnchoredAt: z.string().optional(),
      unanchoredEntries: z.number().int().describe('Entries after the last time-stamp: chained, not yet time-stamped.'),
    }),
  })
  .meta({ id: 'AuditVerification' });

/** The audit log's own check, for the institution's auditors and admins. */
export function auditRoutes(api: ApiRouter): void {
  api.route(
    {
      method: 'get', path: '/audit/verify', summary: "Verify the institution's audit chain and its time-stamps", tags: ['audit'], permission: 'audit:read',
      description: 'Recomputes every hash of the chain, matches each time-stamped head and verifies its RFC 3161 token. Recorded as `audit.verified`.',
      responses: { 200: { description: 'The verdict (200 whether or not the chain is intact).', schema: auditVerifySchema } },
    },
    async ({ deps, principal, requestId, res }) => {
      const report = await deps.audit.check(principal.institutionId);
      const mine = report.institutions[0];
      await deps.audit.record({
        action: 'audit.verified', actor: principal, institutionId: principal.institutionId, requestId,
        details: { valid: report.valid, entries: report.entries, ...(report.firstBadEntry ? { firstBadEntry: report.firstBadEntry.n } : {}) },
      });
      res.json({
        valid: report.valid,
        entries: report.entries,
        ...(report.firstBadEntry ? { firstBadEntry: report.firstBadEntry } : {}),
        anchors: mine?.anchors ?? { count: 0, tokensChecked: false, tokensVerified: 0, lastAnchoredN: 0, unanchoredEntries: 0 },
      });
    },
  );
}
