import { z } from 'zod';
import type { Clock } from '../clock';
import { isCalendarDate, todayInLatvia } from './calendar-date';

/*
 * Field types of the case, each with the bounds and checks a clerk's typing needs. Messages are
 * Latvian (see latvian-messages.ts); the English meaning is beside each.
 */

// C0 and C1 controls except tab and newlines, line/paragraph separators, and bidirectional
// overrides, which can make a name in a letter read differently from what was stored.
const CONTROL_MULTILINE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u2028\u2029\u202A-\u202E\u2066-\u2069]/;
const CONTROL_LINE = /[\u0000-\u001F\u007F-\u009F\u2028\u2029\u202A-\u202E\u2066-\u2069]/;

/** Trimmed, NFC-normalised text of 1..max characters without control characters. */
export function text(max: number, opts: { multiline?: boolean } = {}) {
  const control = opts.multiline ? CONTROL_MULTILINE : CONTROL_LINE;
  return z
    .string()
    .trim()
    .normalize('NFC')
    .min(1, 'nedrīkst būt tukšs') // must not be empty
    .max(max, `drīkst būt ne vairāk kā ${max} rakstzīmes`) // at most N characters
    .refine((v) => !control.test(v), opts.multiline ? 'satur neatļautas vadības rakstzīmes' : 'jābūt vienā rindā, bez vadības rakstzīmēm'); // control characters / one line
}

/** A person's full name: one line, with at least two letters. */
export const personName = text(200).refine(
  (v) => (v.match(/\p{L}/gu) ?? []).length >= 2,
  'jābūt vārdam un uzvārdam', // must be a name
);

export const email = z
  .string()
  .trim()
  .max(254, 'drīkst būt ne vairāk kā 254 rakstzīmes')
  .pipe(z.email('nav derīga e-pasta adrese')); // not an e-mail address

/**
 * A phone number as people write it. Latvian numbers (8 digits, optionally after +371 or 00371)
 * start with 2 (mobile), 6 (fixed) or 8/9 (services); other countries' numbers need their code.
 */
export const phone = z
  .string()
  .trim()
  .max(30, 'drīkst būt ne vairāk kā 30 rakstzīmes')
  .superRefine((v, ctx) => {
    const problem = phoneProblem(v);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

function phoneProblem(v: string): string | undefined {
  if (!/^\(?\+?[0-9][0-9 ()-]*$/.test(v)) return 'jābūt tālruņa numuram, piemēram, +371 20000000'; // must be a phone number
  const compact = v.replace(/[ ()-]/g, '');
  const latvian = /^(\+|00)371/.test(compact) ? compact.replace(/^(\+|00)371/, '') : /^(\+|00)/.test(compact) ? undefined : compact;
  if (latvian !== undefined) {
    return /^[2689]\d{7}$/.test(latvian) ? undefined : 'Latvijas numuram jābūt 8 cipariem, kas sākas ar 2, 6, 8 vai 9'; // 8 digits starting 2/6/8/9
  }
  const digits = compact.replace(/^(\+|00)/, '');
  return digits.length >= 8 && digits.length <= 15 ? undefined : 'starptautiskajam numuram jābūt 8–15 cipariem ar valsts kodu'; // 8–15 digits with the country code
}

/**
 * A real calendar date `YYYY-MM-DD`; with `notFuture`, not after today in Latvia. Dates before
 * 1900 are typing mistakes in this domain.
 */
export function date(clock: Clock, opts: { notFuture: boolean }) {
  return z.string().superRefine((v, ctx) => {
    if (!isCalendarDate(v)) {
      ctx.addIssue({ code: 'custom', message: 'jābūt reālam datumam formātā GGGG-MM-DD' }); // a real date, YYYY-MM-DD
    } else if (v < '1900-01-01') {
      ctx.addIssue({ code: 'custom', message: 'datums nevar būt pirms 1900. gada' }); // before 1900
    } else if (opts.notFuture && v > todayInLatvia(clock)) {
      ctx.addIssue({ code: 'custom', message: 'datums nevar būt nākotnē' }); // in the future
    }
  });
}
