import type { Principal } from '../access';
import { createCase, type AttachmentInfo, type AttachmentUpload, type Case, type CreatedCase } from '../cases';
import type { Deps } from '../deps';
import { createLettersForCase } from './create-letters';
import type { LetterView } from './letter-view';

type ReferralDeps = Pick<Deps, 'db' | 'clock' | 'audit' | 'blobs' | 'scheme' | 'letterTemplates' | 'metrics' | 'sealer' | 'config'>;

export interface CreatedReferral {
  created: CreatedCase;
  attachments: AttachmentInfo[];
  letters: LetterView[];
}

/**
 * A referral: the case, its staged work materials and a draft letter to each recipient it is
 * routed to, created in one transaction, or nothing (the staged files and rendered PDFs are then
 * removed). Used by the API's `POST /referrals` and the clerks' new-case form alike.
 */
export async function createReferral(
  deps: ReferralDeps,
  principal: Principal,
  data: Case,
  upload: AttachmentUpload,
  opts: { requestId?: string | undefined } = {},
): Promise<CreatedReferral> {
  const pdfKeys: string[] = [];
  try {
    const result = await deps.db.transaction().execute(async (trx) => {
      const created = await createCase(deps, principal, data, { trx, requestId: opts.requestId });
      const attachments = upload.count ? await upload.commit(created.id, { trx, requestId: opts.requestId }) : [];
      const letters = created.routing.recipients.length
        ? await createLettersForCase(deps, principal, created.id, { trx, requestId: opts.requestId, pdfKeys })
        : [];
      return { created, attachments, letters };
    });
    deps.metrics.casesCreated.inc();
    deps.metrics.lettersCreated.inc(result.letters.length);
    return result;
  } catch (err) {
    await upload.discard();
    await Promise.all(pdfKeys.map((key) => deps.blobs.delete(key).catch(() => undefined)));
    throw err;
  }
}
