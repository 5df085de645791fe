import { cliPrincipal } from '../../../src/access';
import { createCase, parseCase } from '../../../src/cases';
import type { Deps } from '../../../src/deps';
import type { CaseForLetters } from '../../../src/letters';
import { caseJson, fixedClock, materials } from './letter-fixtures';

/**
 * A case stored as the cases domain stores it, and the case as letters read it (with the fixed
 * materials of the fixtures listed, so letters have something to list).
 */
export async function storedCase(deps: Deps, institutionId: string, name = 'case-social-problems'): Promise<CaseForLetters> {
  const data = parseCase({ scheme: deps.scheme, clock: fixedClock }, caseJson(name));
  const created = await createCase(deps, cliPrincipal(institutionId, 'clerk'), data);
  return { id: created.id, data, recipients: created.routing.recipients, attachments: materials };
}
