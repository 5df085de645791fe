import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * Prometheus metrics of one service instance. Each instance has its own registry, so tests can
 * build several apps in one process.
 */
export class Metrics {
  readonly registry = new Registry();
  readonly httpRequests = new Counter({
    name: 'sutne_http_requests_total',
    help: 'HTTP requests by method, route and status.',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });
  readonly httpDuration = new Histogram({
    name: 'sutne_http_request_duration_seconds',
    help: 'HTTP request latency by method and route.',
    labelNames: ['method', 'route'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  readonly casesCreated = this.counter('sutne_cases_created_total', 'Cases accepted.');
  readonly lettersCreated = this.counter('sutne_letters_created_total', 'Letters rendered as drafts.');
  readonly lettersSigned = this.counter('sutne_letters_signed_total', 'Letters signed and time-stamped.');
  readonly mailSent = this.counter('sutne_mail_sent_total', 'Letters delivered to the mail relay or capture.');
  readonly mailFailed = this.counter('sutne_mail_failed_total', 'Letters whose delivery failed for good.');
  readonly mailRetried = this.counter('sutne_mail_retries_total', 'Delivery attempts that will be retried.');
  readonly exportsMade = this.counter('sutne_exports_total', 'Bulk exports made.');
  readonly loginsFailed = this.counter('sutne_logins_failed_total', 'Failed web logins.');

  constructor(opts: { defaultMetrics?: boolean } = {}) {
    if (opts.defaultMetrics) collectDefaultMetrics({ register: this.registry, prefix: 'sutne_' });
  }

  counter(name: string, help: string): Counter {
    return new Counter({ name, help, registers: [this.registry] });
  }
}
