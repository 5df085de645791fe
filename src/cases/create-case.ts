import { randomUUID } from 'node:crypto';
import { actorOf, type Principal } from '../access';
import type { Deps } from '../deps';
import { AppError } from '../errors';
import { findInstitution, insertCase, type Db } from '../store';
import type { Case } from './case-schema';
import { childNameHasher } from './child-name-hash';
import type { CaseWarning } from './check-preconditions';
import { prepareCase, type PreparedCase } from './parse-case';
import type { Routing } from './route-case';

type CaseDeps = Pick<Deps, 'db' | 'clock' | 'audit' | 'sealer' | 'scheme' | 'metrics' | 'config'>;

/** What is kept with a case besides its data: where it goes and what it lacked. */
export interface StoredRouting extends Routing {
  warnings: CaseWarning[];
}

export interface CreatedCase {
  id: string;
  externalReference: string | null;
  createdAt: string;
  routing: Routing;
  warnings: CaseWarning[];
}

export interface WriteOptions {
  /** Run inside this transaction (a referral creates the case, its files and letters in one). */
  trx?: Db;
  requestId?: string;
}

/**
 * Routes a validated case by the scheme for the caller's institution, without storing it.
 * The sender is always the caller's institution; its kind decides the routing rows.
 */
export async function routeCaseFor(deps: Pick<Deps, 'db' | 'scheme'>, principal: Principal, data: Case, db: Db = deps.db): Promise<PreparedCase> {
  const institution = await findInstitution(db, principal.institutionId);
  if (!institution) throw new AppError('INSTITUTION_NOT_FOUND', 'Jūsu iestāde nav reģistrēta.'); // your institution is not registered
  return prepareCase(deps.scheme, institution.kind, data);
}

/**
 * Stores a validated case for the caller's institution with the routing decided now (sealed at
 * rest), and records `case.created`. Throws GROUND_NOT_ALLOWED before storing anything.
 */
export async function createCase(deps: CaseDeps, principal: Principal, data: Case, opts: WriteOptions = {}): Promise<CreatedCase> {
  const id = randomUUID();
  const createdAt = deps.clock.now().toISOString();
  const write = async (trx: Db): Promise<CreatedCase> => {
    const { routing, warnings } = await routeCaseFor(deps, principal, data, trx);
    const stored: StoredRouting = { ...routing, warnings };
    await insertCase(trx, {
      id,
      institutionId: principal.institutionId,
      externalReference: data.externalReference ?? null,
      data: deps.sealer.seal(JSON.stringify(data)),
      routing: deps.sealer.seal(JSON.stringify(stored)),
      childNameHash: childNameHasher(deps.config.dataKey)(data.child.fullName),
      createdBy: actorOf(principal),
      createdAt,
    });
    await deps.audit.record(
      {
        action: 'case.created',
        actor: principal,
        institutionId: principal.institutionId,
        object: { type: 'case', id },
        requestId: opts.requestId,
        details: {
          scheme: `${routing.scheme.profile}@${routing.scheme.version}`,
          recipients: routing.recipients.map((r) => r.key).join(','),
          warnings: warnings.map((w) => w.code).join(','),
        },
      },
      trx,
    );
    return { id, externalReference: data.externalReference ?? null, createdAt, routing, warnings };
  };
  if (opts.trx) return write(opts.trx);
  const created = await deps.db.transaction().execute(write);
  deps.metrics.casesCreated.inc();
  return created;
}
