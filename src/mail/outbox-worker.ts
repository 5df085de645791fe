import { randomBytes } from 'node:crypto';
import os from 'node:os';
import type { BackgroundWorker } from '../deps';
import { claimDueLetters, renewLeases } from '../store';
import { deliverLetter, type DeliveryContext } from './deliver-letter';

export interface OutboxWorkerOptions {
  /** Letters in delivery at once; match the transport's pooled connections. Default 5. */
  concurrency?: number;
  /**
   * How long a claimed letter stays this worker's without a sign of life. A live worker renews
   * its leases every third of this; after a crash the letters wait this long, then any worker
   * takes them. Default 2 minutes.
   */
  leaseMs?: number;
  /** Names this worker in `lease_owner`; unique per process by default. */
  owner?: string;
  /**
   * How long `stop` waits for deliveries in hand. One still running after it is abandoned: its
   * lease runs out and another worker sends it (the same message). Default 15 s.
   */
  stopTimeoutMs?: number;
}

/**
 * Delivers the outbox: claims due letters (queued and due, or `sending` with a lease run out),
 * sends each with the transport, and records the outcome. Several workers — in one process or
 * in several processes sharing one PostgreSQL database — never hold the same letter at once.
 */
export class OutboxWorker implements BackgroundWorker {
  readonly name = 'outbox';
  readonly owner: string;
  private readonly concurrency: number;
  private readonly leaseMs: number;
  private readonly stopTimeoutMs: number;
  private readonly inFlight = new Set<Promise<unknown>>();
  private loop: Promise<void> | undefined;
  private stopping = false;
  private woken = false;
  private wakeUp: (() => void) | undefined;
  private heartbeat: NodeJS.Timeout | undefined;

  constructor(private readonly ctx: DeliveryContext, opts: OutboxWorkerOptions = {}) {
    this.concurrency = opts.concurrency ?? 5;
    this.leaseMs = opts.leaseMs ?? 120_000;
    this.stopTimeoutMs = opts.stopTimeoutMs ?? 15_000;
    this.owner = opts.owner ?? `${os.hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  }

  start(): void {
    if (this.loop) return;
    this.stopping = false;
    this.loop = this.run();
  }

  /** Takes no new letters, lets the ones in hand finish and be recorded, then resolves. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wake();
    await this.loop;
    let timer: NodeJS.Timeout | undefined;
    const gaveUp = await Promise.race([
      Promise.allSettled([...this.inFlight]).then(() => false),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), this.stopTimeoutMs))),
    ]);
    clearTimeout(timer);
    if (gaveUp) {
      this.ctx.logger.warn({ inFlight: this.inFlight.size }, 'outbox: stopped with deliveries in hand; their leases will run out and they will be sent again');
    }
    this.stopHeartbeat();
    this.loop = undefined;
  }

  /** There may be work now (a letter was queued): look without waiting for the next poll. */
  wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  /**
   * Claims what is due now, up to the concurrency, delivers it and waits for the outcomes;
   * answers how many letters it took. For tests and one-off runs; `start` runs this continuously.
   */
  async runOnce(): Promise<number> {
    const claimed = await this.claim(this.concurrency);
    await Promise.allSettled(claimed);
    return claimed.length;
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      let idle = true;
      try {
        const free = this.concurrency - this.inFlight.size;
        if (free > 0) {
          const claimed = await this.claim(free);
          // A full claim means more may be due: go again at once (or when a slot frees up).
          idle = claimed.length < free;
        }
      } catch (err) {
        this.ctx.logger.error({ err: err instanceof Error ? err.message : String(err) }, 'outbox: claiming letters failed');
      }
      if (this.stopping) break;
      if (idle || this.inFlight.size >= this.concurrency) await this.sleep();
    }
  }

  private async claim(limit: number): Promise<Promise<unknown>[]> {
    const now = this.ctx.clock.now();
    const items = await claimDueLetters(this.ctx.db, {
      now: now.toISOString(),
      leaseUntil: new Date(now.getTime() + this.leaseMs).toISOString(),
      owner: this.owner,
      limit,
    });
    return items.map((item) => {
      const p = deliverLetter(this.ctx, item, this.owner)
        .catch((err: unknown) => {
          // The lease runs out and the letter is attempted again; nothing is lost.
          this.ctx.logger.error({ letterId: item.letterId, err: err instanceof Error ? err.message : String(err) }, 'outbox: delivery not recorded');
        })
        .finally(() => {
          this.inFlight.delete(p);
          if (this.inFlight.size === 0) this.stopHeartbeat();
          this.wake();
        });
      this.inFlight.add(p);
      this.startHeartbeat();
      return p;
    });
  }

  private sleep(): Promise<void> {
    if (this.woken) {
      this.woken = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const finish = () => {
        clearTimeout(timer);
        this.wakeUp = undefined;
        this.woken = false;
        resolve();
      };
      const timer = setTimeout(finish, this.ctx.mail.pollMs);
      this.wakeUp = finish;
    });
  }

  private startHeartbeat(): void {
    if (this.heartbeat) return;
    this.heartbeat = setInterval(() => {
      const until = new Date(this.ctx.clock.now().getTime() + this.leaseMs).toISOString();
      renewLeases(this.ctx.db, this.owner, until).catch((err: unknown) => {
        this.ctx.logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'outbox: renewing leases failed');
      });
    }, Math.max(50, Math.floor(this.leaseMs / 3)));
    this.heartbeat.unref();
  }

  private stopHeartbeat(): void {
    clearInterval(this.heartbeat);
    this.heartbeat = undefined;
  }
}
