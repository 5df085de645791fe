import crypto from 'node:crypto';
import { z } from 'zod';
import type { ApiRouter } from '../api-router';
import { readPdfBody } from '../pdf-body';
import { errorBodySchema } from '../schemas';

const checkSchema = z.object({
  name: z.string().describe('coverage, subFilter, digest, signature, signingCertificate, timestamp, timestamp.imprint, timestamp.signature, timestamp.certificate, timestamp.chain, certificate, chain, …'),
  ok: z.boolean(),
  detail: z.string(),
});

export const verificationReportSchema = z
  .object({
    valid: z.boolean().describe('True when the PDF has signatures and every one passes every check.'),
    summary: z.string().describe('The verdict in one sentence.'),
    signatures: z.array(
      z.object({
        field: z.string(),
        type: z.enum(['signature', 'document-timestamp']),
        signer: z.string().nullable(),
        signedAt: z.string().nullable().describe('The signing time the signer claims (/M).'),
        timestamp: z.object({ genTime: z.string(), tsa: z.string() }).nullable().describe('The proven time, from the RFC 3161 token.'),
        level: z.string().describe('PAdES-B-B, PAdES-B-T, PAdES-B-LT, PAdES-B-LTA, CMS, …'),
        subFilter: z.string().nullable(),
        coverage: z
          .object({ wholeFile: z.boolean(), revision: z.number(), revisions: z.number(), signedBytes: z.number(), fileBytes: z.number() })
          .nullable(),
        valid: z.boolean(),
        checks: z.array(checkSchema),
      }),
    ),
  })
  .meta({ id: 'VerificationReport' });

/** Verifying any signed PDF: the same verifier as `sutne verify`. */
export function signingRoutes(api: ApiRouter): void {
  api.route(
    {
      method: 'post', path: '/verify', summary: 'Verify every signature and time-stamp in a PDF', tags: ['signing'], permission: 'verify',
      description: 'Checks each signature of the PDF (made by Sūtne or any other software): what it covers, its digest and signature, ' +
        'the signer certificate at the time-stamp\'s time and its chain to the trusted roots, and the RFC 3161 time-stamp. ' +
        'A signature without a valid time-stamp is not valid.',
      rawBody: { contentType: 'application/pdf', description: 'The PDF file.' },
      responses: {
        200: { description: 'The report (also when the PDF is not validly signed: see `valid`).', schema: verificationReportSchema },
        413: { description: 'The PDF is larger than UPLOAD_MAX_FILE_BYTES.', schema: errorBodySchema },
        415: { description: 'The body is not sent as application/pdf.', schema: errorBodySchema },
        422: { description: 'The body is not a readable PDF.', schema: errorBodySchema },
      },
    },
    async ({ deps, principal, requestId, req, res }) => {
      const pdf = await readPdfBody(deps, req, res);
      const report = await deps.signing.verifyPdf(pdf);
      await deps.audit.record({
        action: 'pdf.verified', actor: principal, institutionId: principal.institutionId, requestId,
        details: { sha256: crypto.createHash('sha256').update(pdf).digest('hex'), valid: report.valid, signatures: report.signatures.length },
      });
      res.json(report);
    },
  );
}
