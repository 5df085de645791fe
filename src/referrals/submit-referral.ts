import { can, type Principal } from '../access';
import { createCase, type AttachmentInfo, type AttachmentUpload, type Case, type CreatedCase } from '../cases';
import type { Deps } from '../deps';
import { AppError } from '../errors';
import { createLettersForCase, signLetter, type LetterView } from '../letters';
import { sendLetter } from '../mail';

export interface ReferralOptions {
  /** Sign every letter (PAdES-B-T) in the same call; needs the `letter:sign` permission. */
  sign?: boolean;
  /** Also queue every signed letter for delivery; needs `sign` and the `letter:send` permission. */
  send?: boolean;
  requestId?: string | undefined;
}

export interface SubmittedReferral {
  case: CreatedCase;
  attachments: AttachmentInfo[];
  letters: LetterView[];
}

/**
 * A whole referral in one unit: the case, its work materials (already streamed into `upload`), a
 * draft to each routed recipient, and — when asked and allowed — each letter signed and queued.
 * One transaction holds it all, so a failure anywhere (a TSA that cannot be reached is a 503)
 * leaves nothing: no case, no file, no registration number used up; a retry starts clean. The
 * time-stamp requests run inside that transaction, bounded by TSA_TIMEOUT_MS.
 */
export async function submitReferral(deps: Deps, principal: Principal, data: Case, upload: AttachmentUpload, opts: ReferralOptions = {}): Promise<SubmittedReferral> {
  checkReferralAllowed(principal, opts);
  const created: string[] = [];
  const obsolete: string[] = [];
  try {
    const result = await deps.db.transaction().execute(async (trx) => {
      const kase = await createCase(deps, principal, data, { trx, requestId: opts.requestId });
      const attachments = upload.count ? await upload.commit(kase.id, { trx, requestId: opts.requestId }) : [];
      let letters = kase.routing.recipients.length
        ? await createLettersForCase(deps, principal, kase.id, { trx, requestId: opts.requestId, pdfKeys: created })
        : [];
      if (opts.sign) {
        const step = { trx, requestId: opts.requestId, createdBlobs: created, obsoleteBlobs: obsolete };
        letters = await inOrder(letters, (l) => signLetter(deps, principal, l.id, step));
        if (opts.send) letters = await inOrder(letters, (l) => sendLetter(deps, principal, l.id, step));
      }
      return { case: kase, attachments, letters };
    });
    deps.metrics.casesCreated.inc();
    deps.metrics.lettersCreated.inc(result.letters.length);
    if (opts.sign) deps.metrics.lettersSigned.inc(result.letters.length);
    if (opts.send && result.letters.length) deps.mail.outbox.wake();
    // The drafts now live inside the signed files, byte for byte.
    await Promise.all(obsolete.map((key) => deps.blobs.delete(key).catch(() => undefined)));
    return result;
  } catch (err) {
    await upload.discard();
    await Promise.all(created.map((key) => deps.blobs.delete(key).catch(() => undefined)));
    throw err;
  }
}

/** Refuses sign/send the caller may not ask for; the route calls it before reading any file. */
export function checkReferralAllowed(principal: Principal, opts: ReferralOptions): void {
  if (opts.send && !opts.sign) {
    throw new AppError('VALIDATION_FAILED', 'send=true needs sign=true: only signed letters are sent.', [{ path: 'send', message: 'needs sign=true' }]);
  }
  if (opts.sign && !can(principal.role, 'letter:sign')) {
    throw new AppError('FORBIDDEN', `The role "${principal.role}" may not sign letters; leave out sign=true and have a signer sign them.`);
  }
  if (opts.send && !can(principal.role, 'letter:send')) {
    throw new AppError('FORBIDDEN', `The role "${principal.role}" may not send letters; leave out send=true.`);
  }
}

/** One after another: the steps share one transaction, which runs one statement at a time. */
async function inOrder<T, R>(items: readonly T[], step: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (const item of items) out.push(await step(item));
  return out;
}
