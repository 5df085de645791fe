import type { Clock } from '../../src/clock';

/** A clock that stands still until a test moves it. */
export class FakeClock implements Clock {
  private t: number;
  constructor(start = '2026-11-25T09:00:00.000Z') {
    this.t = Date.parse(start);
  }
  now(): Date {
    return new Date(this.t);
  }
  advance(ms: number): void {
    this.t += ms;
  }
  set(iso: string): void {
    this.t = Date.parse(iso);
  }
}

export const MINUTE = 60_000;
export const DAY = 24 * 60 * MINUTE;
