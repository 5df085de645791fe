import { createHash } from 'node:crypto';
import { actorOf, type Principal } from '../access';
import type { Deps } from '../deps';
import { AppError, type ErrorDetail } from '../errors';
import { isUnchangedPrefix } from '../signing';
import { findInstitution, findRegisteredLetter, markLetterSigned, type Db, type LetterRow } from '../store';
import { letterViews, type LetterView } from './letter-view';

type SignDeps = Pick<Deps, 'db' | 'blobs' | 'signing' | 'audit' | 'clock' | 'sealer' | 'metrics'>;

export interface SignLetterOptions {
  /**
   * Run inside this transaction (a referral signs the letters it creates in the same one). The
   * caller then owns the blobs: it deletes `createdBlobs` if its transaction fails, and
   * `obsoleteBlobs` (the drafts, now inside the signed files) once it commits.
   */
  trx?: Db;
  createdBlobs?: string[];
  obsoleteBlobs?: string[];
  requestId?: string | undefined;
}

/** A signature ready to store: the signed PDF and what the signing proved. */
interface Signature {
  pdf: Buffer;
  signedAt: string;
  timestamp: { genTime: string; tsa: string };
  signer: string;
  via: 'sutne' | 'upload';
}

/**
 * Signs a draft letter as PAdES-B-T with the institution's key and the TSA. The letter becomes
 * `signed` only with a checked time-stamp: if the TSA cannot be reached the signing service
 * throws TSA_UNAVAILABLE (503) and the letter stays a draft, unchanged.
 */
export async function signLetter(deps: SignDeps, principal: Principal, id: string, opts: SignLetterOptions = {}): Promise<LetterView> {
  const db = opts.trx ?? deps.db;
  const { row, draft, institution } = await draftToSign(deps, db, principal, id);
  const signed = await deps.signing.signPdf(draft, {
    reason: `Vēstule Nr. ${row.registration_number}`,
    location: institution.address,
    contactInfo: institution.email,
  });
  return storeSignature(deps, principal, row, {
    pdf: signed.pdf,
    signedAt: signed.signedAt.toISOString(),
    timestamp: { genTime: signed.timestamp.genTime.toISOString(), tsa: signed.timestamp.tsa },
    signer: signed.signer,
    via: 'sutne',
  }, opts);
}

/**
 * Accepts a draft signed elsewhere (a national e-signature portal, a card reader): only if the
 * draft's bytes are an unchanged prefix of the upload — so the signed text is exactly the text
 * Sūtne rendered — and every signature in it, with its time-stamp, verifies against the trusted
 * roots. Anything else is UNPROCESSABLE (422), naming each failed check; the letter stays a draft.
 */
export async function acceptSignedLetter(deps: SignDeps, principal: Principal, id: string, upload: Buffer, opts: SignLetterOptions = {}): Promise<LetterView> {
  const { row, draft } = await draftToSign(deps, opts.trx ?? deps.db, principal, id);
  if (!isUnchangedPrefix(draft, upload)) {
    throw new AppError(
      'UNPROCESSABLE',
      'The PDF does not begin with this letter\'s draft, byte for byte. Sign the draft exactly as downloaded from GET /letters/{id}/pdf: ' +
        'the signature must be added as an incremental update, without re-saving the document.',
    );
  }
  const report = await deps.signing.verifyPdf(upload);
  const signatures = report.signatures.filter((s) => s.type === 'signature');
  const problems: ErrorDetail[] = report.signatures.flatMap((s, i) =>
    s.checks.filter((c) => !c.ok).map((c) => ({ path: `signatures[${i}].${c.name}`, message: c.detail })),
  );
  if (signatures.length === 0) problems.push({ path: 'signatures', message: 'The PDF holds no signature.' });
  const stamped = signatures.find((s) => s.timestamp);
  if (signatures.length > 0 && !stamped) problems.push({ path: 'signatures[0].timestamp', message: 'The signature has no RFC 3161 time-stamp (PAdES-B-T is required).' });
  if (!report.valid || problems.length > 0 || !stamped?.timestamp) {
    throw new AppError('UNPROCESSABLE', `The signed PDF was not accepted: ${report.summary}`, problems);
  }
  return storeSignature(deps, principal, row, {
    pdf: upload,
    signedAt: stamped.signedAt ?? stamped.timestamp.genTime,
    timestamp: stamped.timestamp,
    signer: stamped.signer ?? 'unknown',
    via: 'upload',
  }, opts);
}

/** The caller's draft letter, its institution and its PDF; refuses anything that may not be signed now by this caller. */
async function draftToSign(deps: SignDeps, db: Db, principal: Principal, id: string) {
  const row = await findRegisteredLetter(db, principal.institutionId, id);
  if (!row) throw new AppError('LETTER_NOT_FOUND', 'No letter with this id in your institution.');
  if (row.status !== 'draft') throw notADraft(row);
  const institution = await findInstitution(db, principal.institutionId);
  if (!institution) throw new AppError('INSTITUTION_NOT_FOUND', 'Your institution is not registered.');
  // A system key's one-call chain (create, sign, send) is what the institution chose by issuing it;
  // the rule is about people and person-held keys.
  if (institution.settings.requireSeparateSigner && principal.role !== 'system' && row.created_by === actorOf(principal)) {
    throw new AppError('SAME_PERSON', 'You prepared this letter; your institution requires another person to sign it.');
  }
  const draft = await deps.blobs.get(row.pdf_key);
  if (createHash('sha256').update(draft).digest('hex') !== row.pdf_sha256) {
    throw new AppError('INTERNAL', `The stored draft of letter ${row.registration_number} does not match its recorded SHA-256; it is not signed.`);
  }
  return { row, draft, institution };
}

async function storeSignature(deps: SignDeps, principal: Principal, row: LetterRow, sig: Signature, opts: SignLetterOptions): Promise<LetterView> {
  const blob = await deps.blobs.put(sig.pdf);
  const at = deps.clock.now().toISOString();
  const write = async (trx: Db): Promise<boolean> => {
    const changed = await markLetterSigned(trx, {
      institutionId: row.institution_id,
      id: row.id,
      draftSha256: row.pdf_sha256,
      pdf: blob,
      signedAt: sig.signedAt,
      signedBy: actorOf(principal),
      timestamp: JSON.stringify(sig.timestamp),
      via: sig.via,
      at,
    });
    if (!changed) return false;
    await deps.audit.record(
      {
        action: 'letter.signed',
        actor: principal,
        institutionId: row.institution_id,
        object: { type: 'letter', id: row.id },
        requestId: opts.requestId,
        details: {
          registrationNumber: row.registration_number,
          draftSha256: row.pdf_sha256,
          pdfSha256: blob.sha256,
          pdfSize: blob.size,
          genTime: sig.timestamp.genTime,
          tsa: sig.timestamp.tsa,
          via: sig.via,
        },
      },
      trx,
    );
    return true;
  };

  if (opts.trx) {
    opts.createdBlobs?.push(blob.key);
    if (!(await write(opts.trx))) throw await changedMeanwhile(opts.trx, row);
    opts.obsoleteBlobs?.push(row.pdf_key);
  } else {
    let changed: boolean;
    try {
      changed = await deps.db.transaction().execute(write);
    } catch (err) {
      await deps.blobs.delete(blob.key).catch(() => undefined);
      throw err;
    }
    if (!changed) {
      await deps.blobs.delete(blob.key).catch(() => undefined);
      throw await changedMeanwhile(deps.db, row);
    }
    deps.metrics.lettersSigned.inc();
    // The signed file begins with the draft's exact bytes: the draft's own copy is no longer needed.
    if (row.pdf_key !== blob.key) await deps.blobs.delete(row.pdf_key).catch(() => undefined);
  }
  const now = await findRegisteredLetter(opts.trx ?? deps.db, row.institution_id, row.id);
  const [view] = await letterViews({ db: opts.trx ?? deps.db, sealer: deps.sealer }, row.institution_id, [now!]);
  return view!;
}

/** Another call signed or cancelled the letter while this one was signing. */
async function changedMeanwhile(db: Db, row: LetterRow): Promise<AppError> {
  const now = await findRegisteredLetter(db, row.institution_id, row.id);
  return notADraft(now ?? row);
}

function notADraft(row: Pick<LetterRow, 'status' | 'registration_number'>): AppError {
  const why: Record<string, string> = {
    signed: 'is already signed; a signed letter is never changed or signed again',
    queued: 'is signed and on its way; it cannot be changed',
    sending: 'is signed and on its way; it cannot be changed',
    sent: 'was sent; it cannot be changed',
    failed: 'is signed (its delivery failed; retry sending it); it cannot be changed',
    cancelled: 'was cancelled',
  };
  return new AppError('WRONG_STATE', `Letter ${row.registration_number} ${why[row.status] ?? `is ${row.status}`}; only a draft can be signed.`);
}
