import type { Clock } from '../clock';
import { parseInput } from '../validate';
import { caseSchema, type Case, type CaseSchema } from './case-schema';
import { checkPreconditions, type CaseWarning } from './check-preconditions';
import { latvianInput } from './latvian-messages';
import { routeCase, type Routing } from './route-case';
import type { Scheme } from './scheme/scheme';

const schemas = new WeakMap<Scheme, WeakMap<Clock, CaseSchema>>();

/** The case schema for a scheme's grounds, judging dates by this clock (built once per pair). */
export function caseSchemaFor(scheme: Scheme, clock: Clock): CaseSchema {
  let byClock = schemas.get(scheme);
  if (!byClock) schemas.set(scheme, (byClock = new WeakMap()));
  let schema = byClock.get(clock);
  if (!schema) byClock.set(clock, (schema = caseSchema({ groundKeys: [...scheme.grounds.keys()], clock })));
  return schema;
}

/** Validates a case from any edge (API, web form, file) or throws VALIDATION_FAILED with Latvian messages by path. */
export function parseCase(ctx: { scheme: Scheme; clock: Clock }, raw: unknown): Case {
  return parseInput(caseSchemaFor(ctx.scheme, ctx.clock), raw, 'Lietas dati', latvianInput); // "The case data"
}

/** A valid case with where it goes and what it lacks; nothing stored. */
export interface PreparedCase {
  data: Case;
  routing: Routing;
  warnings: CaseWarning[];
}

/**
 * Routes a validated case for a sender of this kind and lists the missing preconditions.
 * Throws GROUND_NOT_ALLOWED when the kind may not state a ground.
 */
export function prepareCase(scheme: Scheme, senderKind: string, data: Case): PreparedCase {
  const routing = routeCase(scheme, senderKind, data.grounds);
  const warnings = checkPreconditions(scheme, senderKind, routing.recipients.map((r) => r.key), data);
  return { data, routing, warnings };
}
