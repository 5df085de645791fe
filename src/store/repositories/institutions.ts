import type { Institution, InstitutionInput, InstitutionKind } from '../../institutions/institution';
import { institutionSettingsSchema } from '../../institutions/institution';
import type { Db } from '../database';
import type { InstitutionRow } from '../schema';

export async function insertInstitution(db: Db, input: InstitutionInput, createdAt: string): Promise<void> {
  await db
    .insertInto('institutions')
    .values({
      id: input.id,
      kind: input.kind,
      name: input.name,
      reg_no: input.regNo,
      address: input.address,
      email: input.email,
      phone: input.phone ?? null,
      register_prefix: input.registerPrefix,
      settings: JSON.stringify(institutionSettingsSchema.parse(input.settings ?? {})),
      created_at: createdAt,
    })
    .execute();
}

export async function findInstitution(db: Db, id: string): Promise<Institution | undefined> {
  const row = await db.selectFrom('institutions').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toInstitution(row);
}

export async function listInstitutions(db: Db): Promise<Institution[]> {
  const rows = await db.selectFrom('institutions').selectAll().orderBy('id').execute();
  return rows.map(toInstitution);
}

function toInstitution(row: InstitutionRow): Institution {
  return {
    id: row.id,
    kind: row.kind as InstitutionKind,
    name: row.name,
    regNo: row.reg_no,
    address: row.address,
    email: row.email,
    ...(row.phone ? { phone: row.phone } : {}),
    registerPrefix: row.register_prefix,
    settings: institutionSettingsSchema.parse(JSON.parse(row.settings)),
    createdAt: row.created_at,
  };
}
