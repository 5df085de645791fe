import { randomUUID } from 'node:crypto';
import { parseCase, prepareCase, type Scheme } from '../../../src/cases';
import type { CaseForLetters } from '../../../src/letters';
import type { Db } from '../../../src/store';
import { caseJson, fixedClock, materials } from './letter-fixtures';

/**
 * A case row for letters to point at, and the case as letters read it. Stored directly: these
 * tests are about letters, and the case's own storage is the cases domain's.
 */
export async function storedCase(db: Db, scheme: Scheme, institutionId: string, name = 'case-social-problems', senderKind = 'school'): Promise<CaseForLetters> {
  const data = parseCase({ scheme, clock: fixedClock }, caseJson(name));
  const { routing } = prepareCase(scheme, senderKind, data);
  const id = randomUUID();
  await db
    .insertInto('cases')
    .values({
      id, institution_id: institutionId, external_reference: null, data: JSON.stringify(data), child_name_hash: null,
      created_by: 'test', created_at: '2026-11-25T09:00:00.000Z', purged_at: null,
    })
    .execute();
  return { id, data, recipients: routing.recipients, attachments: materials };
}
