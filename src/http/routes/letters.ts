import { pipeline } from 'node:stream';
import { z } from 'zod';
import { acceptSignedLetter, cancelLetter, createLettersForCase, getLetter, openLetterPdf, PARENTS_RECIPIENT, signLetter } from '../../letters';
import { sendLetter } from '../../mail';
import type { ApiRouter } from '../api-router';
import { readPdfBody } from '../pdf-body';
import { errorBodySchema } from '../schemas';
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

  api.route(
    {
      method: 'post', path: '/letters/{id}/sign', summary: 'Sign a draft letter (PAdES-B-T, with an RFC 3161 time-stamp)', tags: ['letters', 'signing'], permission: 'letter:sign',
      description:
        'Signs the draft with the institution\'s key and time-stamps the signature. The letter is `signed` only with a checked ' +
        'time-stamp: if the TSA cannot be reached the answer is 503 and the letter stays an unchanged draft. A signed letter is ' +
        'never changed or signed again (409). Where the institution requires it (`settings.requireSeparateSigner`), the person ' +
        'who prepared the letter cannot sign it (409 `SAME_PERSON`).',
      params: idParams,
      headers: idempotencyHeaders,
      responses: {
        200: { description: 'The signed letter.', schema: letterViewSchema },
        409: { description: 'The letter is not a draft, or the caller prepared it and the institution requires another signer.', schema: errorBodySchema },
        503: { description: 'The time-stamp authority could not be reached; nothing changed.', schema: errorBodySchema },
      },
    },
    async ({ deps, principal, params, requestId, res }) => {
      res.json(await signLetter(deps, principal, params.id, { requestId }));
    },
  );

  api.route(
    {
      method: 'post', path: '/letters/{id}/signed-pdf', summary: 'Upload the draft signed elsewhere (a national e-signature portal, a card reader)', tags: ['letters', 'signing'], permission: 'letter:sign',
      description:
        'For a signer who signs the draft outside Sūtne. Accepted only if the draft\'s bytes (`GET /letters/{id}/pdf`) are an ' +
        'unchanged prefix of the upload — the signature added as an incremental update — and every signature in it, with its ' +
        'RFC 3161 time-stamp, verifies against the trusted roots (`TRUST_ANCHORS`). Otherwise 422, naming each failed check.',
      params: idParams,
      rawBody: { contentType: 'application/pdf', description: 'The signed PDF.' },
      headers: idempotencyHeaders,
      responses: {
        200: { description: 'The signed letter.', schema: letterViewSchema },
        409: { description: 'The letter is not a draft, or the caller prepared it and the institution requires another signer.', schema: errorBodySchema },
        413: { description: 'The PDF is larger than UPLOAD_MAX_FILE_BYTES.', schema: errorBodySchema },
        415: { description: 'The body is not sent as application/pdf.', schema: errorBodySchema },
        422: { description: 'Not this letter\'s draft, or a signature or time-stamp that does not verify.', schema: errorBodySchema },
      },
    },
    async ({ deps, principal, params, requestId, req, res }) => {
      const pdf = await readPdfBody(deps, req, res);
      res.json(await acceptSignedLetter(deps, principal, params.id, pdf, { requestId }));
    },
  );

  api.route(
    {
      method: 'post', path: '/letters/{id}/send', summary: 'Send a signed letter (or retry one whose delivery failed)', tags: ['letters', 'mail'], permission: 'letter:send',
      description:
        'Puts the letter in the outbox with its message built now: To every address of the recipient, the signed PDF and every ' +
        'work material attached, the Message-ID fixed. The outbox worker delivers it (SMTP_URL, or the .eml capture) and retries ' +
        'temporary failures; follow `status` (`queued` → `sent` | `failed`). A `failed` letter is queued again with the same ' +
        'message; a letter already queued is answered as it is. Drafts, sent and cancelled letters are a 409.',
      params: idParams,
      headers: idempotencyHeaders,
      responses: {
        202: { description: 'The letter, queued (or already sent if the worker was quick).', schema: letterViewSchema },
        409: { description: 'The letter is not signed, was already sent, or was cancelled.', schema: errorBodySchema },
      },
    },
    async ({ deps, principal, params, requestId, res }) => {
      const letter = await sendLetter(deps, principal, params.id, { requestId });
      res.status(202).json(letter);
    },
  );
}
