import type { BackgroundWorker } from '../deps';
import { purgeExpired, type RetentionCtx } from './purge-expired';

/**
 * Runs retention shortly after start and then every `intervalMs`, beside the HTTP server.
 * `stop` waits for a run in progress (each case is its own transaction, so a stop mid-run
 * leaves every case either whole or purged).
 */
export class RetentionWorker implements BackgroundWorker {
  readonly name = 'retention';
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly ctx: RetentionCtx,
    private readonly opts: { intervalMs: number; firstRunMs: number } = { intervalMs: 60 * 60_000, firstRunMs: 60_000 },
  ) {}

  start(): void {
    this.stopped = false;
    this.schedule(this.opts.firstRunMs);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  /** One run now (also what the timer does). */
  async runOnce(): Promise<void> {
    const report = await purgeExpired(this.ctx);
    if (report.cases || report.sessions) this.ctx.logger.info({ ...report }, 'retention run');
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.runOnce()
        .catch((err: unknown) => this.ctx.logger.error({ err }, 'retention run failed; will try again'))
        .finally(() => {
          this.running = undefined;
          this.schedule(this.opts.intervalMs);
        });
    }, ms);
    this.timer.unref();
  }
}
