import type { Principal } from '../access';
import type { AuditLog } from '../audit';
import type { Clock } from '../clock';
import { AppError } from '../errors';
import {
  attachmentsByIds,
  enqueueLetter,
  findInstitution,
  findLetterForOutbox,
  inTransaction,
  requeueFailedLetter,
  type BlobStore,
  type DataSealer,
  type Db,
} from '../store';
import { composeMessage } from './compose-message';
import { letterMessage, letterMessageId } from './letter-message';

export interface QueueContext {
  db: Db;
  blobs: BlobStore;
  /** Opens the materials' file names (sealed at rest). */
  sealer: DataSealer;
  audit: AuditLog;
  clock: Clock;
  mailFrom: string;
  /** Tells the outbox worker there is work, so it need not wait for its next poll. */
  nudge?(): void;
}

/** What `queueLetter` did: queued a signed letter, re-queued a failed one, or found it already queued. */
export type QueueOutcome = 'queued' | 'requeued' | 'already_queued';

export interface QueueOptions {
  requestId?: string | undefined;
  /**
   * Queue inside this transaction (a referral signs and queues the letters it creates in one).
   * The caller then deletes `createdBlobs` (the stored message) if its transaction fails, and
   * wakes the outbox once it commits.
   */
  trx?: Db;
  createdBlobs?: string[];
}

/** Subject line of letters made before titles were kept with the letter. */
const UNTITLED = 'Vēstule';

/**
 * Puts a letter in the outbox. A `signed` letter gets its message built now — Message-ID,
 * headers, the signed PDF and every work material — and those bytes are stored before any
 * attempt, so every attempt sends exactly them. A `failed` letter is queued again with the same
 * message (a signer's retry). A letter already queued or being sent is left as it is, so a
 * repeated call is harmless. Anything else is a WRONG_STATE.
 */
export async function queueLetter(
  ctx: QueueContext,
  principal: Principal,
  letterId: string,
  opts: QueueOptions = {},
): Promise<QueueOutcome> {
  const db = opts.trx ?? ctx.db;
  const letter = await findLetterForOutbox(db, principal.institutionId, letterId);
  if (!letter) throw new AppError('LETTER_NOT_FOUND', 'No letter with this id in your institution.');
  const audited = (details: Record<string, string | number | boolean>) => ({
    action: 'letter.queued' as const,
    actor: principal,
    institutionId: principal.institutionId,
    object: { type: 'letter', id: letter.id },
    requestId: opts.requestId,
    details,
  });

  switch (letter.status) {
    case 'queued':
    case 'sending':
      return 'already_queued';
    case 'failed': {
      const at = ctx.clock.now().toISOString();
      const done = await inTransaction(db, async (trx) => {
        if (!(await requeueFailedLetter(trx, { letterId: letter.id, institutionId: letter.institutionId, at }))) return false;
        await ctx.audit.record(audited({ requeued: true, ...(letter.emlSha256 ? { emlSha256: letter.emlSha256 } : {}) }), trx);
        return true;
      });
      if (!done) return settled(db, principal, letterId);
      if (!opts.trx) ctx.nudge?.();
      return 'requeued';
    }
    case 'signed':
      break;
    default:
      throw wrongState(letter.status);
  }

  const institution = await findInstitution(db, letter.institutionId);
  if (!institution) throw new AppError('INSTITUTION_NOT_FOUND', 'The letter\'s institution is not registered.');
  const found = await attachmentsByIds(db, letter.institutionId, letter.attachmentIds);
  const live = letter.attachmentIds.flatMap((id) => {
    const a = found.get(id);
    return a && !a.purged_at ? [a] : [];
  });
  if (live.length !== letter.attachmentIds.length) {
    throw new AppError(
      'WRONG_STATE',
      `${letter.attachmentIds.length - live.length} work material(s) the letter lists are no longer stored; the letter cannot be sent with them. Cancel it and prepare a new one.`,
    );
  }
  const materials = live.map((a) => ({
    filename: ctx.sealer.open(a.filename), contentType: a.content_type, size: a.size, sha256: a.sha256, blobKey: a.blob_key,
  }));

  const now = ctx.clock.now();
  const spec = letterMessage(
    {
      letterId: letter.id,
      registrationNumber: letter.registrationNumber,
      title: letter.title ? ctx.sealer.open(letter.title) : UNTITLED,
      recipient: letter.recipient,
      pdf: letter.pdf,
      materials,
    },
    { mailFrom: ctx.mailFrom, institution },
    { messageId: letterMessageId(letter.id, ctx.mailFrom), date: now },
  );
  const eml = await composeMessage(spec, ctx.blobs);
  opts.createdBlobs?.push(eml.key);
  const at = now.toISOString();
  const queued = await inTransaction(db, async (trx) => {
    const ok = await enqueueLetter(trx, {
      letterId: letter.id,
      institutionId: letter.institutionId,
      messageId: spec.messageId,
      emlKey: eml.key,
      emlSha256: eml.sha256,
      envelope: { from: spec.from.address, to: spec.to.map((t) => t.address), accepted: [] },
      at,
    });
    if (ok) {
      await ctx.audit.record(audited({ requeued: false, attachments: spec.attachments.length, messageBytes: eml.size, emlSha256: eml.sha256 }), trx);
    }
    return ok;
  });
  if (!queued) {
    // Another call queued it first, with its own copy of the message: drop ours unless the
    // two copies are the same bytes (the same millisecond), and so the same stored file.
    const winner = await findLetterForOutbox(db, principal.institutionId, letterId);
    if (winner?.emlKey !== eml.key) await ctx.blobs.delete(eml.key);
    return settled(db, principal, letterId);
  }
  if (!opts.trx) ctx.nudge?.();
  return 'queued';
}

/** After losing a race to another call: answer what that call made of the letter. */
async function settled(db: Db, principal: Principal, letterId: string): Promise<QueueOutcome> {
  const now = await findLetterForOutbox(db, principal.institutionId, letterId);
  if (now && (now.status === 'queued' || now.status === 'sending')) return 'already_queued';
  throw wrongState(now?.status ?? 'missing');
}

function wrongState(status: string): AppError {
  const why: Record<string, string> = {
    draft: 'The letter is a draft: sign it before sending it.',
    sent: 'The letter was already sent; it is not sent twice.',
    cancelled: 'The letter was cancelled; cancelled letters are never sent.',
  };
  return new AppError('WRONG_STATE', why[status] ?? `A letter in state "${status}" cannot be sent; only signed letters can.`);
}
