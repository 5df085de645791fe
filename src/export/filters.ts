import { z } from 'zod';
import { letterStatuses } from '../letters';
import { isDayOrInstant } from './date-range';


const dayOrInstant = z.string().refine(isDayOrInstant, 'must be a day (YYYY-MM-DD, Latvian time) or an ISO-8601 instant with its zone');

/** Comma-separated statuses: `sent,failed`. */
export const statusList = z
  .string()
  .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean))
  .pipe(z.array(z.enum(letterStatuses)).min(1, 'name at least one status'))
  .meta({ description: `One or more of ${letterStatuses.join(', ')}, separated by commas.`, example: 'sent,failed' });

/** The filters the register and the export share, as the API and the command line take them. */
export const letterFilterSchema = z.object({
  status: statusList.optional(),
  recipient: z.string().trim().min(1).max(64).optional().describe('The recipient key (e.g. `social_service`).'),
  from: dayOrInstant.optional().describe('Registered on or after this day (Latvian time) or instant.'),
  to: dayOrInstant.optional().describe('Registered on or before this day (inclusive) or instant.'),
});
