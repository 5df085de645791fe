import { Gauge, type Registry } from 'prom-client';
import { outboxCounts, type Db } from '../store';

/**
 * `sutne_outbox_letters{status}`: letters queued, being sent, and failed, read from the database
 * when /metrics is scraped — so every instance reports the shared outbox, and an alert can watch
 * `failed` or a queue that does not drain.
 */
export function registerOutboxGauge(registry: Registry, db: Db): void {
  new Gauge({
    name: 'sutne_outbox_letters',
    help: 'Letters in the outbox by status (queued, sending, failed), across all instances.',
    labelNames: ['status'] as const,
    registers: [registry],
    async collect() {
      try {
        const counts = await outboxCounts(db);
        for (const [status, n] of Object.entries(counts)) this.set({ status }, n);
      } catch {
        // The database being down shows on /readyz; the scrape itself must not fail.
      }
    },
  });
}
