import type { Principal } from '../access';
import type { Deps } from '../deps';
import { AppError } from '../errors';
import { cancelLetterRow } from '../store';
import { letterViews, type LetterView } from './letter-view';

/** A letter may be cancelled until it starts going out; after that the register shows what happened. */
const CANCELLABLE = ['draft', 'signed', 'queued', 'failed'];

/**
 * Cancels a letter that will not go out, with the reason; the letter and its number stay in the
 * register (`status: cancelled`). Cancelling a cancelled letter changes nothing; a letter being
 * sent or sent is WRONG_STATE. The reason is free text and may name people: it is kept with the
 * letter, sealed like the case data, and the audit log records only its length.
 */
export async function cancelLetter(
  deps: Pick<Deps, 'db' | 'clock' | 'audit' | 'sealer'>,
  principal: Principal,
  id: string,
  reason: string,
  opts: { requestId?: string | undefined } = {},
): Promise<LetterView> {
  const row = await deps.db.transaction().execute(async (trx) => {
    const at = deps.clock.now().toISOString();
    const result = await cancelLetterRow(trx, principal.institutionId, id, { reason: deps.sealer.seal(reason), at, from: CANCELLABLE });
    if (!result) throw new AppError('LETTER_NOT_FOUND', 'No letter with this id in your institution.');
    if (!result.changed && result.row.status !== 'cancelled') {
      const state = result.row.status === 'sending' ? 'being sent' : result.row.status;
      throw new AppError('WRONG_STATE', `Letter ${result.row.registration_number} is ${state} and can no longer be cancelled.`);
    }
    if (result.changed) {
      await deps.audit.record(
        { action: 'letter.cancelled', actor: principal, institutionId: principal.institutionId, object: { type: 'letter', id }, requestId: opts.requestId, details: { registrationNumber: result.row.registration_number, reasonLength: reason.length } },
        trx,
      );
    }
    return result.row;
  });
  const [view] = await letterViews(deps, principal.institutionId, [row]);
  return view!;
}
