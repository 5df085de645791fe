/** The longest wait between two attempts, whatever the base and the attempt. */
export const MAX_RETRY_DELAY_MS = 6 * 60 * 60 * 1000;

/**
 * The wait before the next attempt after `attempt` attempts failed: exponential from `baseMs`
 * (base, 2×base, 4×base, …), capped, with "equal jitter" — half fixed, half random — so that
 * letters refused together (a relay restarting) do not all come back in the same second, while
 * each still waits at least half its step.
 */
export function retryDelayMs(attempt: number, baseMs: number, random: () => number = Math.random): number {
  const step = Math.min(baseMs * 2 ** Math.max(0, attempt - 1), MAX_RETRY_DELAY_MS);
  return Math.round(step / 2 + random() * (step / 2));
}
