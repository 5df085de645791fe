import type { Clock } from '../clock';

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const rigaDate = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Riga', year: 'numeric', month: '2-digit', day: '2-digit' });

/** True for `YYYY-MM-DD` naming a day that exists (2026-02-29 does not). */
export function isCalendarDate(value: string): boolean {
  const m = ISO_DATE.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

/**
 * Today's date in Latvia, `YYYY-MM-DD`. Dates that must not lie in the future are compared with
 * this, not with the UTC date: at 01:00 in Riga it is already tomorrow there but not in UTC.
 */
export function todayInLatvia(clock: Clock): string {
  return rigaDate.format(clock.now());
}
