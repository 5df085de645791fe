import type { Readable } from 'node:stream';
import type { Principal } from '../access';
import type { Deps } from '../deps';
import { AppError } from '../errors';
import { findRegisteredLetter, lettersOfCase, type LetterRow } from '../store';
import { letterViews, type LetterView } from './letter-view';

async function rowOf(deps: Pick<Deps, 'db'>, principal: Principal, id: string): Promise<LetterRow> {
  const row = await findRegisteredLetter(deps.db, principal.institutionId, id);
  if (!row) throw new AppError('LETTER_NOT_FOUND', 'No letter with this id in your institution.');
  return row;
}

/** One letter of the caller's institution (another institution's letter is not found). */
export async function getLetter(deps: Pick<Deps, 'db' | 'sealer'>, principal: Principal, id: string): Promise<LetterView> {
  const [view] = await letterViews(deps, principal.institutionId, [await rowOf(deps, principal, id)]);
  return view!;
}

/** The letters of one case of the caller's institution, in registration order. */
export async function lettersOfCaseFor(deps: Pick<Deps, 'db' | 'sealer'>, principal: Principal, caseId: string): Promise<LetterView[]> {
  return letterViews(deps, principal.institutionId, await lettersOfCase(deps.db, principal.institutionId, caseId));
}

/**
 * The letter's current PDF (the draft, or the signed letter once signed) as a stream, and
 * `letter.pdf_viewed` recorded: whoever reads a letter about a child is on the record.
 */
export async function openLetterPdf(
  deps: Pick<Deps, 'db' | 'blobs' | 'audit'>,
  principal: Principal,
  id: string,
  opts: { requestId?: string | undefined } = {},
): Promise<{ stream: Readable; size: number; sha256: string; registrationNumber: string; status: string }> {
  const row = await rowOf(deps, principal, id);
  const stream = await deps.audit.recordRead(
    {
      action: 'letter.pdf_viewed',
      actor: principal,
      institutionId: principal.institutionId,
      object: { type: 'letter', id },
      requestId: opts.requestId,
      details: { pdfSha256: row.pdf_sha256, status: row.status },
    },
    () => deps.blobs.stream(row.pdf_key),
  );
  return { stream, size: row.pdf_size, sha256: row.pdf_sha256, registrationNumber: row.registration_number, status: row.status };
}
