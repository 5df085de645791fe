import type { Request, Response } from 'express';
import { pipeline, type Readable } from 'node:stream';
import { z } from 'zod';
import type { Principal } from '../../access';
import {
  addAttachments,
  caseSchemaFor,
  createCase,
  downloadAttachment,
  latvianInput,
  newCaseUpload,
  parseCase,
  readCase,
  routeCaseFor,
  type AttachmentInfo,
  type AttachmentUpload,
  type Case,
  type CreatedCase,
} from '../../cases';
import type { Deps } from '../../deps';
import { checkReferralAllowed, submitReferral } from '../../referrals';
import { AppError, isAppError } from '../../errors';
import type { ApiRouter } from '../api-router';
import { idempotencyHash } from '../middleware/idempotency';
import { readMultipart, type PartHandlers } from '../multipart';
import { attachmentSchema, caseAnswerSchema, caseRecordSchema, idempotencyHeaders, referralAnswerSchema, schemeSchema } from './case-schemas';

const caseParams = z.object({ id: z.string().max(64) });
const flag = z.enum(['true', 'false']).optional();
const referralQuery = z.object({
  sign: flag.describe('Sign every letter in the same call (signer and system roles).'),
  send: flag.describe('Queue every signed letter for delivery too (needs sign=true).'),
}).strict();
const attachmentParams = z.object({ id: z.string().max(64), attachmentId: z.string().max(64) });

/** Cases in: a case with its routing, its work materials, and both at once as a referral. */
export function caseRoutes(api: ApiRouter): void {
  const { deps } = api;

  api.route(
    {
      method: 'post', path: '/cases', summary: 'Create a case and route it by the scheme', tags: ['cases'], permission: 'case:create',
      description:
        "The sender is the caller's institution; its kind decides which grounds it may state. The answer lists one recipient per " +
        'institution with every ground that led to it and the scheme rules that chose it, and a warning for each step the scheme ' +
        'expected before this referral that the case does not show. Validation messages are in Latvian.',
      body: caseSchemaFor(deps.scheme, deps.clock),
      messages: latvianInput,
      headers: idempotencyHeaders,
      responses: {
        201: { description: 'Stored and routed.', schema: caseAnswerSchema },
        409: { description: 'Idempotency-Key reused with another body, or its first call still running.' },
      },
    },
    async ({ deps, principal, body, requestId, res }) => {
      const created = await createCase(deps, principal, body, { requestId });
      res.status(201).json(caseAnswer(created));
    },
  );

  api.route(
    {
      method: 'get', path: '/cases/{id}', summary: 'Read a case with its routing and work materials', tags: ['cases'], permission: 'case:read',
      params: caseParams,
      responses: { 200: { description: 'The case.', schema: caseRecordSchema } },
    },
    async ({ deps, principal, params, requestId, res }) => {
      const record = await readCase(deps, principal, params.id, requestId);
      res.setHeader('Cache-Control', 'private, no-store');
      res.json({
        ...caseAnswer({ id: record.id, externalReference: record.externalReference, createdAt: record.createdAt, routing: record.routing, warnings: record.warnings }),
        case: record.data,
        attachments: record.attachments.map(publicAttachment),
      });
    },
  );

  api.route(
    {
      method: 'post', path: '/cases/{id}/attachments', summary: 'Add work materials to a case', tags: ['cases'], permission: 'case:create',
      description:
        'Streams one or more `file` parts. Each file is checked by its content (PDF, PNG, JPEG, DOCX, XLSX, ODT, ODS or UTF-8 text), ' +
        'whatever its name says; all files of the request are kept, or none.',
      params: caseParams,
      rawBody: { contentType: 'multipart/form-data', description: 'One or more parts named `file`.', schema: z.object({ file: z.array(z.string().meta({ format: 'binary' })) }) },
      headers: idempotencyHeaders,
      responses: {
        201: { description: 'The stored work materials.', schema: z.array(attachmentSchema) },
        413: { description: 'A file, the case total or the number of files is over its limit (named in the message).' },
        415: { description: 'A file is of a type that cannot be attached.' },
      },
    },
    async ({ deps, principal, params, requestId, req, res }) => {
      const attachments = await addAttachments(deps, principal, params.id, (upload) => readParts(deps, req, res, fileParts(upload)), { requestId });
      res.status(201).json(attachments.map(publicAttachment));
    },
  );

  api.route(
    {
      method: 'get', path: '/cases/{id}/attachments/{attachmentId}', summary: 'Download a work material', tags: ['cases'], permission: 'case:read',
      params: attachmentParams,
      responses: { 200: { description: 'The file as uploaded.', contentType: 'application/octet-stream', schema: z.string().meta({ format: 'binary' }) } },
    },
    async ({ deps, principal, params, requestId, res }) => {
      const { attachment, content } = await downloadAttachment(deps, principal, params.id, params.attachmentId, requestId);
      res.attachment(attachment.filename);
      res.setHeader('Content-Type', attachment.contentType === 'text/plain' ? 'text/plain; charset=utf-8' : attachment.contentType);
      res.setHeader('Content-Length', String(attachment.size));
      res.setHeader('Repr-Digest', `sha-256=:${Buffer.from(attachment.sha256, 'hex').toString('base64')}:`);
      res.setHeader('Cache-Control', 'private, no-store');
      pipeline(content, res, (err) => {
        if (err) deps.logger.warn({ err, requestId }, 'attachment download ended early');
      });
    },
  );

  api.route(
    {
      method: 'post', path: '/referrals', summary: 'Create a case with its work materials in one request', tags: ['cases'], permission: 'case:create',
      description:
        'Part `case` (the case JSON) first, then any number of `file` parts. The case, its files and a draft letter to each ' +
        'recipient it is routed to are created together, or nothing is. With `sign=true` (roles with `letter:sign`: signer, system) ' +
        'every letter is also signed and time-stamped, and with `send=true` as well queued for delivery — all in the same unit: ' +
        'if the TSA cannot be reached the answer is 503 and nothing was created.',
      query: referralQuery,
      rawBody: {
        contentType: 'multipart/form-data',
        description: 'Part `case` (JSON), then `file` parts.',
        schema: z.object({ case: z.string().describe('The case, as JSON.'), file: z.array(z.string().meta({ format: 'binary' })).optional() }),
      },
      headers: idempotencyHeaders,
      responses: {
        201: { description: 'The case with its routing and work materials, and its letters.', schema: referralAnswerSchema },
        403: { description: 'sign=true or send=true asked by a role that may not sign or send.' },
        413: { description: 'Over an upload limit (named in the message).' },
        415: { description: 'A file is of a type that cannot be attached.' },
        503: { description: 'The time-stamp authority could not be reached while signing; nothing was created.' },
      },
    },
    async ({ deps, principal, query, requestId, req, res }) => {
      const asked = { sign: query.sign === 'true', send: query.send === 'true', requestId };
      checkReferralAllowed(principal, asked);
      const upload = newCaseUpload(deps, principal);
      let data: Case;
      try {
        data = await receiveReferral(deps, principal, req, res, upload);
      } catch (err) {
        await upload.discard();
        throw err;
      }
      const referral = await submitReferral(deps, principal, data, upload, asked);
      res.status(201).json({
        case: { ...caseAnswer(referral.case), attachments: referral.attachments.map(publicAttachment) },
        letters: referral.letters,
      });
    },
  );

  api.route(
    {
      method: 'get', path: '/scheme', summary: "The municipality's referral scheme in use", tags: ['cases'], permission: 'case:read',
      description: 'Grounds (with Latvian labels), recipients and rules, for forms and for explaining routing.',
      responses: { 200: { description: 'The scheme.', schema: schemeSchema } },
    },
    async ({ deps, res }) => {
      const s = deps.scheme;
      res.json({
        profile: s.profile, version: s.version, municipality: s.municipality, title: s.title, source: s.source,
        grounds: [...s.grounds.values()],
        recipients: [...s.recipients.values()],
        rules: s.rules,
      });
    },
  );
}

/** The answer of POST /cases, and the head of every other case answer. */
function caseAnswer(c: Pick<CreatedCase, 'id' | 'externalReference' | 'createdAt' | 'routing' | 'warnings'>) {
  return {
    id: c.id,
    externalReference: c.externalReference,
    createdAt: c.createdAt,
    scheme: c.routing.scheme,
    recipients: c.routing.recipients,
    warnings: c.warnings,
  };
}

function publicAttachment(a: AttachmentInfo): AttachmentInfo {
  return { id: a.id, filename: a.filename, contentType: a.contentType, size: a.size, sha256: a.sha256, createdAt: a.createdAt };
}

function readParts(deps: Deps, req: Request, res: Response, handlers: PartHandlers): Promise<void> {
  const { jsonBodyBytes, uploadFiles } = deps.config.limits;
  return readMultipart(req, { fieldBytes: jsonBodyBytes, files: uploadFiles }, handlers, idempotencyHash(res));
}

/** Only `file` parts: each streams into the upload. */
function fileParts(upload: AttachmentUpload): PartHandlers {
  return {
    field: (name) => {
      throw unknownPart(name);
    },
    file: (name, filename, stream) => {
      if (name !== 'file') throw unknownPart(name);
      return upload.add(filename, stream);
    },
  };
}

/**
 * Reads a referral's parts: the case is validated and routed as soon as it arrives, so a bad
 * case is refused before any file is read; files then stream into the upload.
 */
async function receiveReferral(deps: Deps, principal: Principal, req: Request, res: Response, upload: AttachmentUpload): Promise<Case> {
  let data: Case | undefined;
  const files = fileParts(upload);
  const takeCase = async (value: string) => {
    if (data) throw new AppError('VALIDATION_FAILED', 'Daļa “case” norādīta divreiz.', [{ path: 'case', message: 'norādīta divreiz' }]); // given twice
    data = inPart('case', () => parseCase(deps, parseJsonPart(value)));
    await inPartAsync('case', () => routeCaseFor(deps, principal, data!));
  };
  await readParts(deps, req, res, {
    field: (name, value) => {
      if (name !== 'case') throw unknownPart(name);
      return takeCase(value);
    },
    file: async (name, filename, stream) => {
      // Clients that send the case as a file (curl -F case=@case.json) are answered the same.
      if (name === 'case') return takeCase(await readSmallPart(stream, deps.config.limits.jsonBodyBytes));
      if (name === 'file' && !data) {
        stream.resume();
        // "part case must come before the files"
        throw new AppError('VALIDATION_FAILED', 'Daļai “case” jābūt pirms failiem.', [{ path: 'case', message: 'jābūt pirmajai daļai' }]);
      }
      return files.file(name, filename, stream);
    },
  });
  if (!data) throw new AppError('VALIDATION_FAILED', 'Trūkst daļas “case” ar lietas datiem.', [{ path: 'case', message: 'obligāts lauks' }]); // part case missing
  return data;
}

async function readSmallPart(stream: Readable, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) {
      throw new AppError('PAYLOAD_TOO_LARGE', `Daļa “case” ir lielāka par ${limit} baitiem (JSON_BODY_LIMIT_BYTES).`, [{ path: 'case', message: 'par lielu' }]);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parseJsonPart(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    throw new AppError('INVALID_JSON', 'Daļa “case” nav derīgs JSON.'); // part case is not valid JSON
  }
}

/** Names fields inside a part by the part: `case.child.birthDate`. */
function inPart<T>(part: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw prefixed(part, err);
  }
}

async function inPartAsync<T>(part: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw prefixed(part, err);
  }
}

function prefixed(part: string, err: unknown): unknown {
  if (!isAppError(err) || !err.details) return err;
  return new AppError(err.code, err.message, err.details.map((d) => ({ path: `${part}.${d.path}`, message: d.message })), { cause: err });
}

function unknownPart(name: string): AppError {
  // "unknown part"
  return new AppError('VALIDATION_FAILED', `Nezināma daļa “${name}”.`, [{ path: name, message: 'nav zināma daļa' }]);
}
