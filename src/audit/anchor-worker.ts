import type { BackgroundWorker } from '../deps';
import type { Logger } from '../logger';
import { institutionsWithUnanchoredEntries } from '../store';
import type { Db } from '../store';
import type { AuditLog } from './audit-log';

export const ANCHOR_ACTOR = 'system:audit-anchor';

/**
 * Time-stamps every chain that grew since its last anchor, once per `intervalMinutes`. A chain
 * with nothing new is left alone; a TSA that does not answer is tried again next round.
 */
export function auditAnchorWorker(ctx: { db: Db; audit: AuditLog; logger: Logger }, intervalMinutes: number): BackgroundWorker & { runOnce(): Promise<number> } {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;

  async function runOnce(): Promise<number> {
    let anchored = 0;
    for (const institutionId of await institutionsWithUnanchoredEntries(ctx.db, 'audit.anchored')) {
      try {
        if (await ctx.audit.anchor(institutionId, ANCHOR_ACTOR)) anchored++;
      } catch (err) {
        ctx.logger.warn({ institution: institutionId, err: err instanceof Error ? err.message : String(err) }, 'audit anchoring failed; will retry');
      }
    }
    return anchored;
  }

  const tick = () => {
    running ??= runOnce()
      .catch((err: unknown) => {
        ctx.logger.error({ err }, 'audit anchoring round failed');
        return 0;
      })
      .finally(() => {
        running = undefined;
      });
  };

  return {
    name: 'audit-anchor',
    start() {
      if (timer) return;
      timer = setInterval(tick, intervalMinutes * 60_000);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      await running;
    },
    runOnce,
  };
}
