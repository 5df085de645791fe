import type { z } from 'zod';
import { AppError, formatPath } from './errors';

/** The words `parseInput` uses, so a domain can answer its users in their language. */
export interface InputMessages {
  /** Messages for zod's own issues (wrong type, too long, …); explicit messages in a schema win. */
  error?: z.core.$ZodErrorMap;
  unknownField: string;
  summary(what: string, problems: number): string;
}

const english: InputMessages = {
  unknownField: 'is not a known field',
  summary: (what, n) => `${what} is not valid: ${n} problem${n === 1 ? '' : 's'}.`,
};

/**
 * Parses input at an edge of the system (request, file, job payload) or throws one
 * VALIDATION_FAILED naming every bad field by its JSON path.
 */
export function parseInput<S extends z.ZodType>(schema: S, data: unknown, what: string, messages: InputMessages = english): z.output<S> {
  const parsed = schema.safeParse(data, messages.error ? { error: messages.error } : undefined);
  if (parsed.success) return parsed.data;
  const details = parsed.error.issues.flatMap((i) =>
    // One detail per unknown field, so each is named by its own path.
    i.code === 'unrecognized_keys'
      ? i.keys.map((k) => ({ path: formatPath([...i.path, k]), message: messages.unknownField }))
      : [{ path: formatPath(i.path), message: i.message }],
  );
  throw new AppError('VALIDATION_FAILED', messages.summary(what, details.length), details);
}
