/** Time as the service sees it; tests pass a fixed or stepping clock. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** ISO-8601 UTC with milliseconds: the one time format stored in the database (sorts as text). */
export function isoNow(clock: Clock): string {
  return clock.now().toISOString();
}
