import type { Principal } from '../access';
import type { Deps } from '../deps';
import { getLetter, type LetterView } from '../letters';
import { queueLetter, type QueueOptions } from './queue-letter';

type SendDeps = Pick<Deps, 'db' | 'blobs' | 'sealer' | 'audit' | 'clock' | 'config' | 'mail'>;

/**
 * Sends a signed letter: puts it in the outbox (its message built and stored now) and wakes the
 * worker. A failed letter is queued again with the same message — a signer's retry; a letter
 * already queued is left as it is. Answers the letter as it is now (`queued`, or already `sent`
 * if the worker was quick).
 */
export async function sendLetter(
  deps: SendDeps,
  principal: Principal,
  id: string,
  opts: QueueOptions = {},
): Promise<LetterView> {
  await queueLetter(
    { db: deps.db, blobs: deps.blobs, sealer: deps.sealer, audit: deps.audit, clock: deps.clock, mailFrom: deps.config.mailFrom, nudge: () => deps.mail.outbox.wake() },
    principal,
    id,
    opts,
  );
  return getLetter({ db: opts.trx ?? deps.db, sealer: deps.sealer }, principal, id);
}
