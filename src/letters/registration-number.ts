import { rigaDate } from './latvian';

/** The register year of a letter created at this instant: Latvian time, so New Year's night counts right. */
export function registerYear(at: Date): number {
  return Number(rigaDate(at).slice(0, 4));
}

/** `registerPrefix/YEAR/N`, e.g. `1-13/2026/5` (CONTRACT). */
export function formatRegistrationNumber(prefix: string, year: number, seq: number): string {
  return `${prefix}/${year}/${seq}`;
}
