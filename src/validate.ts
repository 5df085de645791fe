import type { z } from 'zod';
import { AppError, formatPath } from './errors';

/**
 * Parses input at an edge of the system (request, file, job payload) or throws one
 * VALIDATION_FAILED naming every bad field by its JSON path.
 */
export function parseInput<S extends z.ZodType>(schema: S, data: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(data);
  if (parsed.success) return parsed.data;
  const details = parsed.error.issues.flatMap((i) =>
    // One detail per unknown field, so each is named by its own path.
    i.code === 'unrecognized_keys'
      ? i.keys.map((k) => ({ path: formatPath([...i.path, k]), message: 'is not a known field' }))
      : [{ path: formatPath(i.path), message: i.message }],
  );
  throw new AppError('VALIDATION_FAILED', `${what} is not valid: ${details.length} problem${details.length === 1 ? '' : 's'}.`, details);
}
