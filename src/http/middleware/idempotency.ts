import { createHash, type Hash } from 'node:crypto';
import express, { type Request, type RequestHandler, type Response } from 'express';
import type { Principal } from '../../access';
import { canonicalJson } from '../../audit/canonical-json';
import type { Deps } from '../../deps';
import { AppError } from '../../errors';
import {
  claimIdempotencyKey,
  completeIdempotencyKey,
  findIdempotencyRecord,
  purgeIdempotencyKeys,
  releaseIdempotencyKey,
  type IdempotencyRecord,
} from '../../store';
import { readMultipart } from '../multipart';

const KEY = /^[\x21-\x7E]{1,255}$/;
/** How long a key is remembered: a day covers any sensible retry. */
const RETAIN_MS = 24 * 60 * 60 * 1000;
const PURGE_EVERY_MS = 60 * 60 * 1000;

/** What a route reading a multipart body needs: feed each part to `hash` (readMultipart does). */
export interface IdempotencyLocals {
  hash: Hash | undefined;
}

/** The hash a route reading its own multipart body must feed, when the call carries an Idempotency-Key. */
export function idempotencyHash(res: Response): Hash | undefined {
  return (res.locals.idempotency as IdempotencyLocals | undefined)?.hash;
}

/**
 * `Idempotency-Key` on any POST: the first call with a key runs and its answer is kept; a retry
 * with the same key and the same request gets that answer again (`Idempotent-Replayed: true`)
 * and creates nothing; the same key with another request is IDEMPOTENCY_KEY_REUSED, and a retry
 * while the first call still runs is IDEMPOTENCY_IN_PROGRESS. Keys belong to the caller's
 * institution. JSON bodies are compared as canonical JSON; multipart bodies part by part as they
 * stream (see readMultipart), so a new boundary is no new request.
 */
export function idempotency(deps: Deps): RequestHandler {
  const parseJson = express.json({ limit: deps.config.limits.jsonBodyBytes, type: () => true, strict: false });
  let lastPurge = 0;
  return async (req, res, next) => {
    const key = req.get('idempotency-key');
    const principal = res.locals.principal as Principal | undefined;
    if (req.method !== 'POST' || key === undefined || !principal) return next();
    if (!KEY.test(key)) {
      const message = 'must be 1–255 visible ASCII characters, e.g. a UUID';
      throw new AppError('VALIDATION_FAILED', `The Idempotency-Key header ${message}.`, [{ path: 'Idempotency-Key', message }]);
    }
    const institutionId = principal.institutionId;
    const scope = `${req.method} ${req.baseUrl}${req.path}`;
    const kind = req.is('application/json') ? 'json' : req.is('multipart/form-data') ? 'multipart' : 'other';
    const start = () => createHash('sha256').update(`${scope}?${new URLSearchParams(req.query as Record<string, string>).toString()}\n`);
    let requestHash: string | undefined;
    if (kind === 'json') {
      await new Promise<void>((resolve, reject) => parseJson(req, res, (err?: unknown) => (err ? reject(err) : resolve())));
      requestHash = start().update(canonicalJson(req.body ?? null)).digest('hex');
    } else if (kind === 'other') {
      // Bodies other routes read themselves are told apart by their type and length only.
      requestHash = start().update(`${req.get('content-type') ?? ''}\n${req.get('content-length') ?? ''}`).digest('hex');
    }

    const now = deps.clock.now();
    if (now.getTime() - lastPurge > PURGE_EVERY_MS) {
      lastPurge = now.getTime();
      // Awaited, not left running: one indexed delete an hour, and nothing outlives the request.
      await purgeIdempotencyKeys(deps.db, new Date(now.getTime() - RETAIN_MS).toISOString()).catch((err: unknown) =>
        deps.logger.warn({ err }, 'could not purge old idempotency keys'),
      );
    }

    for (let attempt = 0; attempt < 3; attempt++) {
      const createdAt = deps.clock.now().toISOString();
      if (await claimIdempotencyKey(deps.db, { institutionId, key, scope, requestHash: requestHash ?? '', createdAt })) {
        runFirst(deps, req, res, { institutionId, key, createdAt, requestHash, multipartHash: kind === 'multipart' ? start() : undefined, kind });
        return next();
      }
      const existing = await findIdempotencyRecord(deps.db, institutionId, key);
      if (!existing) continue; // released in between: claim again
      if (isStale(existing, deps)) {
        await releaseIdempotencyKey(deps.db, institutionId, key, existing.createdAt);
        continue;
      }
      return await replay(deps, res, existing, scope, async () => requestHash ?? (await hashMultipart(deps, req, start())));
    }
    throw new AppError('IDEMPOTENCY_IN_PROGRESS', 'Another request with this Idempotency-Key is starting; retry in a moment.');
  };
}

/** Expired, or a first call that died without an answer (its process stopped). */
function isStale(r: IdempotencyRecord, deps: Deps): boolean {
  const age = deps.clock.now().getTime() - Date.parse(r.createdAt);
  return age > RETAIN_MS || (r.status === null && age > deps.config.limits.requestTimeoutMs + 60_000);
}

/**
 * Lets the first call run and keeps its JSON answer before sending it. Answers not worth
 * repeating (5xx, 429, a refusal of a body read only in part, a dropped connection) release the
 * key so a retry runs again.
 */
function runFirst(
  deps: Deps,
  req: Request,
  res: Response,
  c: { institutionId: string; key: string; createdAt: string; requestHash: string | undefined; multipartHash: Hash | undefined; kind: string },
): void {
  res.locals.idempotency = { hash: c.multipartHash } satisfies IdempotencyLocals;
  let settled = false;
  const release = () => releaseIdempotencyKey(deps.db, c.institutionId, c.key, c.createdAt);
  const send = res.json.bind(res);
  res.json = (body: unknown) => {
    settled = true;
    const status = res.statusCode;
    const keep = (c.kind === 'json' ? status < 500 && status !== 429 : status < 300) && !req.socket.destroyed;
    const save = keep
      ? completeIdempotencyKey(deps.db, {
          institutionId: c.institutionId,
          key: c.key,
          requestHash: c.requestHash ?? c.multipartHash!.digest('hex'),
          status,
          response: deps.sealer.seal(JSON.stringify(body ?? null)),
        })
      : release();
    save
      .catch((err: unknown) => deps.logger.error({ err, requestId: res.locals.requestId }, 'could not keep the idempotent answer'))
      .finally(() => send(body));
    return res;
  };
  res.on('close', () => {
    if (!settled) release().catch((err: unknown) => deps.logger.error({ err }, 'could not release an idempotency key'));
  });
}

async function replay(deps: Deps, res: Response, existing: IdempotencyRecord, scope: string, hashOfRequest: () => Promise<string>): Promise<void> {
  if (existing.scope !== scope) {
    throw new AppError('IDEMPOTENCY_KEY_REUSED', `This Idempotency-Key was used for ${existing.scope}; use a new key for another request.`);
  }
  if (existing.status === null) {
    throw new AppError('IDEMPOTENCY_IN_PROGRESS', 'The first request with this Idempotency-Key is still running; retry when it has finished.');
  }
  // Only now is a multipart body read (to hash it): a call still running is refused at once.
  if (existing.requestHash !== (await hashOfRequest())) {
    throw new AppError('IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was used with a different request body; use a new key for a new request.');
  }
  res.setHeader('Idempotent-Replayed', 'true');
  res.status(existing.status).json(JSON.parse(deps.sealer.open(existing.response ?? 'null')));
}

/** Reads a retried multipart body only to hash it, part by part as the first call did. */
async function hashMultipart(deps: Deps, req: Request, hash: Hash): Promise<string> {
  const { jsonBodyBytes, uploadFiles } = deps.config.limits;
  await readMultipart(req, { fieldBytes: jsonBodyBytes, files: uploadFiles }, {
    field: () => undefined,
    file: (_name, _filename, stream) =>
      new Promise<void>((resolve, reject) => {
        stream.on('end', resolve).on('error', reject).resume();
      }),
  }, hash);
  return hash.digest('hex');
}
