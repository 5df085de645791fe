import type { AuditLog } from '../audit';
import type { Clock } from '../clock';
import { AppError } from '../errors';
import { parseInput } from '../validate';
import { insertInstitution, isUniqueViolation, type Db } from '../store';
import { institutionInputSchema, type InstitutionInput } from './institution';

/** Validates and registers a sending institution; answers its id. */
export async function addInstitution(
  ctx: { db: Db; clock: Clock; audit: AuditLog },
  raw: unknown,
  by: string,
): Promise<string> {
  const input: InstitutionInput = parseInput(institutionInputSchema, raw, 'The institution');
  try {
    await ctx.db.transaction().execute(async (trx) => {
      await insertInstitution(trx, input, ctx.clock.now().toISOString());
      await ctx.audit.record({ action: 'institution.created', actor: by, institutionId: input.id, object: { type: 'institution', id: input.id } }, trx);
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new AppError('ALREADY_EXISTS', `An institution with id "${input.id}" already exists.`);
    throw err;
  }
  return input.id;
}
