import { randomUUID } from 'node:crypto';
import { actorOf, type Principal } from '../access';
import { findCaseRecord, type Case, type RoutedRecipient } from '../cases';
import type { Deps } from '../deps';
import { AppError, type ErrorDetail } from '../errors';
import { findInstitution, insertLetter, lettersOfCase, nextRegisterSeq, type Db, type StoredBlob } from '../store';
import { buildLetterModel } from './build-letter-model';
import { PARENTS_RECIPIENT, PARENTS_TEMPLATE } from './letter-model';
import { toLetterView, type LetterView, type ListedAttachment } from './letter-view';
import { formatRegistrationNumber, registerYear } from './registration-number';
import { renderLetter } from './render-letter';

type LettersDeps = Pick<Deps, 'db' | 'clock' | 'audit' | 'blobs' | 'scheme' | 'letterTemplates' | 'metrics' | 'sealer'>;

/** A stored case as letters need it: its data, where it was routed, and its live materials (names opened). */
export interface CaseForLetters {
  id: string;
  data: Case;
  recipients: readonly RoutedRecipient[];
  attachments: readonly ListedAttachment[];
}

export interface CreateLettersOptions {
  /** Recipient keys; default every routed recipient. `parents` asks for the parents' notice of step 2. */
  recipients?: readonly string[] | undefined;
  /** Run inside this transaction (a referral creates its case, files and letters in one). */
  trx?: Db;
  requestId?: string | undefined;
  /**
   * Collects the blob keys of the PDFs stored, for a caller running its own transaction (`trx`):
   * if that transaction fails after this call, it deletes them.
   */
  pdfKeys?: string[];
}

/** Creates letters for a stored case of the caller's institution (read in `opts.trx` when given, where it may not be committed yet). */
export async function createLettersForCase(deps: LettersDeps, principal: Principal, caseId: string, opts: CreateLettersOptions = {}): Promise<LetterView[]> {
  const record = await findCaseRecord({ db: opts.trx ?? deps.db, sealer: deps.sealer }, principal.institutionId, caseId);
  const c: CaseForLetters = { id: record.id, data: record.data, recipients: record.routing.recipients, attachments: record.attachments };
  return createLetters(deps, principal, c, opts);
}

// A letter still on its way (or already out) to a recipient blocks another one to the same recipient.
const LIVE = ['draft', 'signed', 'queued', 'sending', 'sent', 'failed'];

/**
 * Creates one draft letter per recipient of a case: registration number, rendered PDF/A (stored
 * in the blob store), the row and `letter.rendered` — all in one transaction, so either every
 * letter exists with consecutive numbers or none does and no number is used up. A recipient
 * that already has a live letter of this case is a CONFLICT (cancel that letter first).
 */
export async function createLetters(deps: LettersDeps, principal: Principal, c: CaseForLetters, opts: CreateLettersOptions = {}): Promise<LetterView[]> {
  const keys = recipientKeysOf(deps, c, opts.recipients);
  const blobs: StoredBlob[] = [];
  const write = async (trx: Db): Promise<LetterView[]> => {
    const institution = await findInstitution(trx, principal.institutionId);
    if (!institution) throw new AppError('INSTITUTION_NOT_FOUND', 'Your institution is not registered.');
    const now = deps.clock.now();
    const createdAt = now.toISOString();
    const year = registerYear(now);
    const views: LetterView[] = [];
    for (const key of keys) {
      // The counter row is locked from here to commit: the check below sees every letter committed before.
      const seq = await nextRegisterSeq(trx, institution.id, year);
      const existing = (await lettersOfCase(trx, institution.id, c.id)).find((l) => l.recipient_key === key && LIVE.includes(l.status));
      if (existing) {
        throw new AppError('CONFLICT', `This case already has a letter to "${key}" (Nr. ${existing.registration_number}, ${existing.status}); cancel it before creating another.`);
      }
      const registrationNumber = formatRegistrationNumber(institution.registerPrefix, year, seq);
      const listed = key === PARENTS_RECIPIENT ? [] : c.attachments;
      const model = buildLetterModel({
        case: c.data,
        scheme: deps.scheme,
        institution,
        routed: c.recipients,
        recipientKey: key,
        attachments: listed,
        registrationNumber,
        createdAt,
      });
      const templateId = key === PARENTS_RECIPIENT ? PARENTS_TEMPLATE : c.recipients.find((r) => r.key === key)!.template;
      const rendered = await renderLetter(deps.letterTemplates, templateId, model);
      const blob = await deps.blobs.put(rendered.pdf);
      blobs.push(blob);
      opts.pdfKeys?.push(blob.key);
      const id = randomUUID();
      const row = {
        id,
        institution_id: institution.id,
        case_id: c.id,
        recipient_key: key,
        recipient: JSON.stringify(model.kind === 'referral' ? { ...model.recipient } : { ...model.recipient, dative: model.parents.map((p) => p.dative).join(', ') }),
        grounds: JSON.stringify(model.groundKeys),
        attachment_ids: JSON.stringify(listed.map((a) => a.id)),
        registration_number: registrationNumber,
        reg_year: year,
        reg_seq: seq,
        status: 'draft',
        template_id: rendered.template.id,
        template_version: rendered.template.version,
        pdf_key: blob.key,
        pdf_sha256: rendered.sha256,
        pdf_size: rendered.size,
        draft_sha256: rendered.sha256,
        title: deps.sealer.seal(rendered.title),
        created_by: actorOf(principal),
        created_at: createdAt,
        updated_at: createdAt,
      };
      const stored = await insertLetter(trx, row);
      await deps.audit.record(
        {
          action: 'letter.rendered',
          actor: principal,
          institutionId: institution.id,
          object: { type: 'letter', id },
          requestId: opts.requestId,
          details: {
            caseId: c.id,
            recipient: key,
            registrationNumber,
            templateId: rendered.template.id,
            templateVersion: rendered.template.version,
            pdfSha256: rendered.sha256,
            attachments: listed.length,
          },
        },
        trx,
      );
      views.push(toLetterView(stored, new Map(listed.map((a) => [a.id, a])), deps.sealer));
    }
    return views;
  };
  try {
    const views = opts.trx ? await write(opts.trx) : await deps.db.transaction().execute(write);
    if (!opts.trx) deps.metrics.lettersCreated.inc(views.length);
    return views;
  } catch (err) {
    // The rows are gone with the transaction; their PDFs must not stay behind. Blobs are content-addressed,
    // but a PDF carries its own registration number and time, so no other record can point at these bytes.
    await Promise.all(blobs.map((b) => deps.blobs.delete(b.key).catch(() => undefined)));
    throw err;
  }
}

/** The recipients asked for, each checked against the routing (or `parents`, when the profile has that template). */
function recipientKeysOf(deps: Pick<LettersDeps, 'letterTemplates'>, c: CaseForLetters, requested: readonly string[] | undefined): string[] {
  if (!requested) {
    if (!c.recipients.length) throw new AppError('UNKNOWN_RECIPIENT', 'The case was routed to no recipient; name the recipients (e.g. "parents").');
    return c.recipients.map((r) => r.key);
  }
  const details: ErrorDetail[] = [];
  requested.forEach((key, i) => {
    if (requested.indexOf(key) !== i) details.push({ path: `recipients[${i}]`, message: 'is given twice' });
    else if (key === PARENTS_RECIPIENT) {
      if (!deps.letterTemplates.has(PARENTS_TEMPLATE)) details.push({ path: `recipients[${i}]`, message: "this municipality's profile has no parents' notice template" });
    } else if (!c.recipients.some((r) => r.key === key)) {
      details.push({ path: `recipients[${i}]`, message: `the case was not routed to "${key}"; its recipients are ${c.recipients.map((r) => r.key).join(', ') || 'none'} (and "parents")` });
    }
  });
  if (details.length) throw new AppError('UNKNOWN_RECIPIENT', 'Some recipients cannot get a letter for this case.', details);
  if (!requested.length) throw new AppError('UNKNOWN_RECIPIENT', 'Name at least one recipient, or leave "recipients" out for every routed one.', [{ path: 'recipients', message: 'is empty' }]);
  return [...requested];
}
