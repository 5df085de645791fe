import type { Readable } from 'node:stream';
import type { Principal } from '../access';
import type { Deps } from '../deps';
import { AppError } from '../errors';
import { findRegisteredLetter } from '../store';

/**
 * The message a letter went out as — the exact `.eml` bytes handed to the relay — and
 * `letter.message_viewed` recorded, as every read of a letter about a child is. NOT_FOUND until
 * the letter has been queued (its message is built then).
 */
export async function openSentMessage(
  deps: Pick<Deps, 'db' | 'blobs' | 'audit'>,
  principal: Principal,
  letterId: string,
  opts: { requestId?: string | undefined } = {},
): Promise<{ stream: Readable; sha256: string; registrationNumber: string }> {
  const row = await findRegisteredLetter(deps.db, principal.institutionId, letterId);
  if (!row) throw new AppError('LETTER_NOT_FOUND', 'No letter with this id in your institution.');
  if (!row.eml_key || !row.eml_sha256) throw new AppError('NOT_FOUND', 'This letter has not been queued for sending yet, so it has no message.');
  const emlKey = row.eml_key;
  const stream = await deps.audit.recordRead(
    {
      action: 'letter.message_viewed',
      actor: principal,
      institutionId: principal.institutionId,
      object: { type: 'letter', id: letterId },
      requestId: opts.requestId,
      details: { emlSha256: row.eml_sha256, messageId: row.message_id },
    },
    () => deps.blobs.stream(emlKey),
  );
  return { stream, sha256: row.eml_sha256, registrationNumber: row.registration_number };
}
