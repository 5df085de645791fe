import { isCalendarDate } from './calendar-date';

/*
 * Latvian personal codes (personas kods). The old form `DDMMYY-CNNNK` holds the birth date and a
 * century digit C (0: 1800s, 1: 1900s, 2: 2000s); codes issued since 1 July 2017 start with 32
 * and hold no date. Both end with the check digit K = (1101 − Σ dᵢ·wᵢ) mod 11 over the first ten
 * digits; a remainder of 10 is never issued.
 */

const WEIGHTS = [1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const SHAPE = /^(\d{6})-?(\d{5})$/;

export type PersonalCodeCheck =
  | { ok: true; code: string; birthDate: string | undefined }
  | { ok: false; reason: 'shape' | 'check_digit' | 'date' | 'century' };

/** Checks a personal code; when valid, answers it as `NNNNNN-NNNNN` and its birth date (old form only). */
export function checkPersonalCode(input: string): PersonalCodeCheck {
  const m = SHAPE.exec(input.replace(/\s+/g, ''));
  if (!m) return { ok: false, reason: 'shape' };
  const digits = (m[1]! + m[2]!).split('').map(Number);
  if (checkDigit(digits) !== digits[10]) return { ok: false, reason: 'check_digit' };
  const code = `${m[1]}-${m[2]}`;
  if (digits[0] === 3 && digits[1] === 2) return { ok: true, code, birthDate: undefined };

  const century = { 0: 1800, 1: 1900, 2: 2000 }[digits[6]!];
  if (century === undefined) return { ok: false, reason: 'century' };
  const dd = m[1]!.slice(0, 2);
  const mm = m[1]!.slice(2, 4);
  const year = century + Number(m[1]!.slice(4, 6));
  const birthDate = `${year}-${mm}-${dd}`;
  if (!isCalendarDate(birthDate)) return { ok: false, reason: 'date' };
  return { ok: true, code, birthDate };
}

/** The check digit over the first ten digits, or undefined when the remainder is 10 (never issued). */
export function checkDigit(digits: number[]): number | undefined {
  const sum = WEIGHTS.reduce((acc, w, i) => acc + w * digits[i]!, 0);
  const k = (((1101 - sum) % 11) + 11) % 11;
  return k === 10 ? undefined : k;
}
