import type { Db } from '../database';

/** A case row as stored: `data` and `routing` are sealed text (see DataSealer). */
export interface StoredCaseRow {
  id: string;
  institutionId: string;
  externalReference: string | null;
  data: string;
  routing: string;
  /** Keyed hash of the child's normalised name, for the register's search. */
  childNameHash: string | null;
  createdBy: string;
  createdAt: string;
  purgedAt: string | null;
}

export async function insertCase(db: Db, c: Omit<StoredCaseRow, 'purgedAt'>): Promise<void> {
  await db
    .insertInto('cases')
    .values({
      id: c.id,
      institution_id: c.institutionId,
      external_reference: c.externalReference,
      data: c.data,
      routing: c.routing,
      child_name_hash: c.childNameHash,
      created_by: c.createdBy,
      created_at: c.createdAt,
      purged_at: null,
    })
    .execute();
}

/** The institution's case with this id; another institution's case is not found. */
export async function findCase(db: Db, institutionId: string, id: string): Promise<StoredCaseRow | undefined> {
  const row = await db
    .selectFrom('cases')
    .select(['id', 'institution_id', 'external_reference', 'data', 'routing', 'child_name_hash', 'created_by', 'created_at', 'purged_at'])
    .where('id', '=', id)
    .where('institution_id', '=', institutionId)
    .executeTakeFirst();
  return (
    row && {
      id: row.id,
      institutionId: row.institution_id,
      externalReference: row.external_reference,
      data: row.data,
      routing: row.routing,
      childNameHash: row.child_name_hash,
      createdBy: row.created_by,
      createdAt: row.created_at,
      purgedAt: row.purged_at,
    }
  );
}

/**
 * Takes the case's row lock until the transaction ends (a no-op update locks on both dialects),
 * so concurrent uploads to one case are counted against its limits one after the other.
 * False when the institution has no such case.
 */
export async function lockCase(db: Db, institutionId: string, id: string): Promise<boolean> {
  const res = await db
    .updateTable('cases')
    .set((eb) => ({ id: eb.ref('id') }))
    .where('id', '=', id)
    .where('institution_id', '=', institutionId)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}
