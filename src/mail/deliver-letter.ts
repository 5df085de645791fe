import { createHash } from 'node:crypto';
import type { AuditLog } from '../audit';
import type { Clock } from '../clock';
import type { Config } from '../config';
import type { Logger } from '../logger';
import type { Metrics } from '../metrics';
import {
  recordDelivered,
  recordFailed,
  recordRetry,
  type BlobStore,
  type ClaimedLetter,
  type Db,
  type OutboxEnvelope,
} from '../store';
import { retryDelayMs } from './backoff';
import { classifyFailure, type DeliveryFailure } from './delivery-failure';
import type { DeliveryReceipt, MailTransport } from './mail-transport';

export interface DeliveryContext {
  db: Db;
  blobs: BlobStore;
  audit: AuditLog;
  metrics: Metrics;
  logger: Logger;
  clock: Clock;
  mail: Config['mail'];
  transport: MailTransport;
  random: () => number;
}

/** How one claimed letter ended this time; `lost` when the worker no longer held its lease. */
export type DeliveryResult = 'sent' | 'retry' | 'failed' | 'lost';

const ACTOR = 'system:outbox';

/**
 * One attempt at a claimed letter: send the stored bytes to the recipients that have not
 * accepted them yet, then record what happened — sent, retry later (temporary failure, attempts
 * left), or failed (permanent refusal, or attempts used up) — with its audit entry, in one
 * transaction that writes only while `owner` still holds the lease.
 */
export async function deliverLetter(ctx: DeliveryContext, item: ClaimedLetter, owner: string): Promise<DeliveryResult> {
  if (item.attempts > ctx.mail.maxAttempts) {
    // Only a worker that died mid-attempt leaves a letter with more claims than attempts allowed.
    return fail(ctx, item, owner, item.envelope, {
      permanent: true,
      code: 'INTERRUPTED',
      message: `Delivery was interrupted ${item.attempts - 1} times; the relay may have the message. Check with the recipient before retrying.`,
      response: null,
    });
  }
  let raw: Buffer;
  try {
    raw = await ctx.blobs.get(item.emlKey);
    if (createHash('sha256').update(raw).digest('hex') !== item.emlSha256) throw new Error('SHA-256 mismatch');
  } catch (err) {
    return fail(ctx, item, owner, item.envelope, {
      permanent: true,
      code: 'STORED_MESSAGE',
      message: `The stored message is missing or changed (${err instanceof Error ? err.message : String(err)}); restore it from a backup.`,
      response: null,
    });
  }

  const done = new Set(item.envelope.accepted.map((a) => a.toLowerCase()));
  const remaining = item.envelope.to.filter((a) => !done.has(a.toLowerCase()));
  let receipt: DeliveryReceipt;
  try {
    receipt = remaining.length
      ? await ctx.transport.send({ envelope: { from: item.envelope.from, to: remaining }, raw, letterId: item.letterId })
      : { response: 'accepted on an earlier attempt', accepted: [], rejected: [] };
  } catch (err) {
    const failure = classifyFailure(err);
    if (failure.permanent || item.attempts >= ctx.mail.maxAttempts) return fail(ctx, item, owner, item.envelope, failure);
    return retry(ctx, item, owner, item.envelope, failure);
  }

  const envelope: OutboxEnvelope = { ...item.envelope, accepted: [...item.envelope.accepted, ...receipt.accepted] };
  const deferred = receipt.rejected.filter((r) => !r.permanent);
  if (deferred.length && item.attempts < ctx.mail.maxAttempts) {
    return retry(ctx, item, owner, envelope, {
      permanent: false,
      code: 'PARTIAL',
      message: `Accepted for ${envelope.accepted.length} of ${envelope.to.length} addresses; the relay deferred the rest: ${deferred.map((d) => d.response).join('; ')}`.slice(0, 500),
      response: receipt.response,
    });
  }
  const note = receipt.rejected.length
    ? `Refused for ${receipt.rejected.length} of ${envelope.to.length} addresses: ${receipt.rejected.map((r) => r.response).join('; ')}`.slice(0, 500)
    : null;
  const at = ctx.clock.now().toISOString();
  const ok = await recordOutcome(ctx, item, async (trx) => {
    if (!(await recordDelivered(trx, { letterId: item.letterId, owner, at, envelope, response: receipt.response, transport: ctx.transport.name, note }))) {
      return false;
    }
    await ctx.audit.record(
      {
        action: 'letter.sent',
        actor: ACTOR,
        institutionId: item.institutionId,
        object: { type: 'letter', id: item.letterId },
        // The hash and Message-ID pin the bytes sent to the chain; the server's answer code, not its
        // text (which may echo addresses), is what an auditor needs of the relay's answer.
        details: {
          attempt: item.attempts,
          transport: ctx.transport.name,
          accepted: envelope.accepted.length,
          refused: receipt.rejected.length,
          emlSha256: item.emlSha256,
          messageId: item.messageId,
          ...replyCodes(receipt.response),
        },
      },
      trx,
    );
    return true;
  });
  if (!ok) return 'lost';
  ctx.metrics.mailSent.inc();
  ctx.logger.info({ letterId: item.letterId, attempt: item.attempts, transport: ctx.transport.name }, 'letter sent');
  return 'sent';
}

async function retry(ctx: DeliveryContext, item: ClaimedLetter, owner: string, envelope: OutboxEnvelope, f: DeliveryFailure): Promise<DeliveryResult> {
  const now = ctx.clock.now();
  const nextAttemptAt = new Date(now.getTime() + retryDelayMs(item.attempts, ctx.mail.retryBaseMs, ctx.random)).toISOString();
  const ok = await recordOutcome(ctx, item, async (trx) => {
    const args = { letterId: item.letterId, owner, at: now.toISOString(), envelope, response: f.response, error: f.message, nextAttemptAt };
    if (!(await recordRetry(trx, { ...args, transport: ctx.transport.name }))) return false;
    await ctx.audit.record(
      {
        action: 'letter.send_failed',
        actor: ACTOR,
        institutionId: item.institutionId,
        object: { type: 'letter', id: item.letterId },
        details: { attempt: item.attempts, code: f.code, nextAttemptAt },
      },
      trx,
    );
    return true;
  });
  if (!ok) return 'lost';
  ctx.metrics.mailRetried.inc();
  ctx.logger.warn({ letterId: item.letterId, attempt: item.attempts, code: f.code, nextAttemptAt }, 'letter delivery failed; will retry');
  return 'retry';
}

async function fail(ctx: DeliveryContext, item: ClaimedLetter, owner: string, envelope: OutboxEnvelope, f: DeliveryFailure): Promise<DeliveryResult> {
  const at = ctx.clock.now().toISOString();
  const ok = await recordOutcome(ctx, item, async (trx) => {
    if (!(await recordFailed(trx, { letterId: item.letterId, owner, at, envelope, response: f.response, error: f.message, transport: ctx.transport.name }))) {
      return false;
    }
    await ctx.audit.record(
      {
        action: 'letter.failed',
        actor: ACTOR,
        institutionId: item.institutionId,
        object: { type: 'letter', id: item.letterId },
        details: { attempt: item.attempts, code: f.code, permanent: f.permanent },
      },
      trx,
    );
    return true;
  });
  if (!ok) return 'lost';
  ctx.metrics.mailFailed.inc();
  ctx.logger.error({ letterId: item.letterId, attempt: item.attempts, code: f.code }, 'letter delivery failed for good');
  return 'failed';
}

/**
 * Writes an outcome, trying again for a few seconds if the database is briefly unavailable: an
 * outcome not written means the lease runs out and the letter is attempted again — harmless for a
 * failure, a second copy (with the same Message-ID) for a delivered letter.
 */
async function recordOutcome(ctx: DeliveryContext, item: ClaimedLetter, write: (trx: Db) => Promise<boolean>): Promise<boolean> {
  for (let i = 0; ; i++) {
    try {
      const ok = await ctx.db.transaction().execute(write);
      if (!ok) ctx.logger.warn({ letterId: item.letterId }, 'outbox lease lost before the outcome was recorded');
      return ok;
    } catch (err) {
      if (i >= 4) throw err;
      ctx.logger.warn({ letterId: item.letterId, err: err instanceof Error ? err.message : String(err) }, 'recording a delivery outcome failed; trying again');
      await new Promise((r) => setTimeout(r, 250 * 2 ** i));
    }
  }
}

/** The SMTP reply code and enhanced status code (RFC 3463) at the start of a server's answer. */
function replyCodes(response: string): { responseCode?: string; enhancedCode?: string } {
  const m = /^([2-5]\d\d)(?:[ -]([2-5]\.\d{1,3}\.\d{1,3})(?=\s|$))?/.exec(response);
  if (!m) return {};
  return { responseCode: m[1]!, ...(m[2] ? { enhancedCode: m[2] } : {}) };
}
