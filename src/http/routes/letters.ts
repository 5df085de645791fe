import { pipeline } from 'node:stream';
import { z } from 'zod';
import { cancelLetter, createLettersForCase, getLetter, openLetterPdf, PARENTS_RECIPIENT } from '../../letters';
import type { ApiRouter } from '../api-router';
import { idempotencyHeaders } from './case-schemas';
import { letterViewSchema } from './register-schemas';

const idParams = z.object({ id: z.string().max(64) });
const recipientKey = z.string().trim().min(1).max(64);

/** Letters: drafts for a case's recipients, a letter and its PDF, and cancelling one that will not go out. */
export function letterRoutes(api: ApiRouter): void {
  api.route(
    {
      method: 'post', path: '/cases/{id}/letters', summary: "Create draft letters for a case's recipients", tags: ['letters'], permission: 'letter:create',
      description:
        'One draft per recipient (default: every recipient the case was routed to; `parents` asks for the parents\' written notice), ' +
        'each with its registration number and its PDF/A rendered from the municipality\'s template. All letters of the call are ' +
        'created, or none (and no number is used up). A recipient that already has a live letter of this case is a 409: cancel it first.',
      params: idParams,
      body: z.object({ recipients: z.array(recipientKey).max(20).optional().describe(`Recipient keys of the scheme, or "${PARENTS_RECIPIENT}".`) }).strict(),
      headers: idempotencyHeaders,
      responses: {
        201: { description: 'The drafts, in the order asked for.', schema: z.array(letterViewSchema) },
        409: { description: 'A recipient already has a live letter of this case.' },
      },
    },
    async ({ deps, principal, params, body, requestId, res }) => {
      const letters = await createLettersForCase(deps, principal, params.id, { recipients: body.recipients, requestId });
      res.status(201).json(letters);
    },
  );

  api.route(
    {
      method: 'get', path: '/letters/{id}', summary: 'A letter', tags: ['letters'], permission: 'letter:read',
      params: idParams,
      responses: { 200: { description: 'The letter.', schema: letterViewSchema } },
    },
    async ({ deps, principal, params, res }) => {
      res.setHeader('Cache-Control', 'private, no-store');
      res.json(await getLetter(deps, principal, params.id));
    },
  );

  api.route(
    {
      method: 'get', path: '/letters/{id}/pdf', summary: "A letter's PDF (the draft, or the signed letter once signed)", tags: ['letters'], permission: 'letter:read',
      description: 'Every read is recorded in the audit log (`letter.pdf_viewed`).',
      params: idParams,
      responses: { 200: { description: 'The PDF.', contentType: 'application/pdf', schema: z.string().meta({ format: 'binary' }) } },
    },
    async ({ deps, principal, params, requestId, res }) => {
      const pdf = await openLetterPdf(deps, principal, params.id, { requestId });
      res.setHeader('Content-Type', 'application/pdf');
      res.setHeader('Content-Length', String(pdf.size));
      res.setHeader('Content-Disposition', `inline; filename="${pdf.registrationNumber.replace(/[^A-Za-z0-9.-]+/g, '_')}.pdf"`);
      res.setHeader('Repr-Digest', `sha-256=:${Buffer.from(pdf.sha256, 'hex').toString('base64')}:`);
      res.setHeader('ETag', `"${pdf.sha256}"`);
      res.setHeader('Cache-Control', 'private, no-store');
      pipeline(pdf.stream, res, (err) => {
        if (err) deps.logger.warn({ err, requestId }, 'letter PDF download ended early');
      });
    },
  );

  api.route(
    {
      method: 'post', path: '/letters/{id}/cancel', summary: 'Cancel a letter that will not go out', tags: ['letters'], permission: 'letter:cancel',
      description:
        'The letter stays in the register with its number (`status: cancelled`) and the reason; nothing is deleted. Possible until the ' +
        'letter starts going out; cancelling a cancelled letter changes nothing.',
      params: idParams,
      body: z.object({ reason: z.string().trim().min(3, 'say why, in a few words').max(500) }).strict(),
      headers: idempotencyHeaders,
      responses: {
        200: { description: 'The cancelled letter.', schema: letterViewSchema },
        409: { description: 'The letter is being sent or was sent.' },
      },
    },
    async ({ deps, principal, params, body, requestId, res }) => {
      res.json(await cancelLetter(deps, principal, params.id, body.reason, { requestId }));
    },
  );
}
