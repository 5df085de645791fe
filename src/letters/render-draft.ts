import { parseCase, prepareCase } from '../cases';
import type { Deps } from '../deps';
import { AppError } from '../errors';
import { findInstitution } from '../store';
import { buildLetterModel } from './build-letter-model';
import { PARENTS_RECIPIENT, PARENTS_TEMPLATE, type ModelAttachment } from './letter-model';
import { registerYear } from './registration-number';
import { renderLetter, type RenderedLetter } from './render-letter';

/** The place of the number on a draft that was never registered. */
const UNREGISTERED = '____';

/**
 * Renders an unsigned draft of one letter from a case file, without storing or registering
 * anything: the number is left blank (`1-13/2026/____`). For trying a case or a template offline.
 */
export async function renderDraft(
  deps: Pick<Deps, 'db' | 'clock' | 'scheme' | 'letterTemplates'>,
  input: { case: unknown; institutionId: string; recipientKey: string; attachments?: ModelAttachment[] },
): Promise<RenderedLetter> {
  const institution = await findInstitution(deps.db, input.institutionId);
  if (!institution) throw new AppError('INSTITUTION_NOT_FOUND', `There is no institution "${input.institutionId}" (add it with "sutne institution add").`);
  const data = parseCase(deps, input.case);
  const { routing } = prepareCase(deps.scheme, institution.kind, data);
  const routed = routing.recipients.find((r) => r.key === input.recipientKey);
  if (!routed && input.recipientKey !== PARENTS_RECIPIENT) {
    const keys = [...routing.recipients.map((r) => r.key), PARENTS_RECIPIENT].join(', ');
    throw new AppError('UNKNOWN_RECIPIENT', `This case does not go to "${input.recipientKey}"; its recipients are: ${keys}.`);
  }
  const now = deps.clock.now();
  const model = buildLetterModel({
    case: data,
    scheme: deps.scheme,
    institution,
    routed: routing.recipients,
    recipientKey: input.recipientKey,
    attachments: input.attachments ?? [],
    registrationNumber: `${institution.registerPrefix}/${registerYear(now)}/${UNREGISTERED}`,
    createdAt: now.toISOString(),
  });
  return renderLetter(deps.letterTemplates, routed ? routed.template : PARENTS_TEMPLATE, model);
}
