import type { AuditEntry } from '../audit';
import { auditEntriesAbout, findRegisteredLetter, type Db, type LetterRow } from '../store';
import { attachmentIdsOf } from '../letters';

/** The objects whose audit entries make up a letter's history: the letter, its case, its materials. */
export function historyObjectsOf(row: LetterRow): Array<{ type: string; id: string }> {
  return [
    { type: 'letter', id: row.id },
    { type: 'case', id: row.case_id },
    ...attachmentIdsOf(row).map((id) => ({ type: 'attachment', id })),
  ];
}

export type HistoryEntry = Pick<AuditEntry, 'n' | 'at' | 'actor' | 'action' | 'objectType' | 'objectId' | 'details'>;

/** The audit entries about a letter of this institution; undefined when there is no such letter. */
export async function letterHistory(db: Db, institutionId: string, letterId: string): Promise<HistoryEntry[] | undefined> {
  const row = await findRegisteredLetter(db, institutionId, letterId);
  if (!row) return undefined;
  const entries = await auditEntriesAbout(db, institutionId, historyObjectsOf(row));
  return entries.map((e) => ({ n: e.n, at: e.at, actor: e.actor, action: e.action, objectType: e.objectType, objectId: e.objectId, details: e.details }));
}
