import { AppError } from '../errors';

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const rigaParts = new Intl.DateTimeFormat('en-US', {
  timeZone: 'Europe/Riga', hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
});

/** The UTC instant at which a day begins in Latvia (the institutions' day, not UTC's). */
export function startOfLatvianDay(day: string): Date {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const guess = Date.UTC(y, m - 1, d);
  // Riga is UTC+2 or +3; the offset at that wall-clock time corrects the guess.
  const p = Object.fromEntries(rigaParts.formatToParts(new Date(guess)).map((x) => [x.type, x.value]));
  const asUtc = Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute), Number(p.second));
  return new Date(guess - (asUtc - guess));
}

/**
 * `from`/`to` as the register and export take them: a day (`2026-03-01`, a whole Latvian day,
 * `to` inclusive) or an exact ISO-8601 instant. Answers bounds on `created_at`: from inclusive,
 * before exclusive.
 */
export function createdRange(from?: string, to?: string): { createdFrom?: string; createdBefore?: string } {
  const out: { createdFrom?: string; createdBefore?: string } = {};
  if (from) out.createdFrom = (DAY.test(from) ? startOfLatvianDay(from) : new Date(from)).toISOString();
  if (to) {
    const end = DAY.test(to) ? startOfLatvianDay(nextDay(to)) : new Date(new Date(to).getTime() + 1);
    out.createdBefore = end.toISOString();
  }
  if (out.createdFrom && out.createdBefore && out.createdFrom >= out.createdBefore) {
    throw new AppError('VALIDATION_FAILED', 'The date range is empty.', [{ path: 'to', message: 'must not be before from' }]);
  }
  return out;
}

function nextDay(day: string): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + 1)).toISOString().slice(0, 10);
}

/** Accepts a calendar day or an ISO-8601 instant with its zone. */
export function isDayOrInstant(value: string): boolean {
  if (DAY.test(value)) {
    const d = new Date(`${value}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(value);
  }
  return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/.test(value) && !Number.isNaN(new Date(value).getTime());
}
