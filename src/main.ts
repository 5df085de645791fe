import type { Server } from 'node:http';
import type { Config } from './config';
import { createDeps, type Deps } from './deps';
import { createApp } from './http';

export interface RunningService {
  deps: Deps;
  server: Server;
  url: string;
  /** Stops accepting, lets in-flight requests finish (up to the shutdown timeout), then closes everything. */
  stop(): Promise<void>;
}

/** Wires the service and listens. */
export async function startService(config: Config): Promise<RunningService> {
  const deps = await createDeps(config, { defaultMetrics: true });
  try {
    // A wrong P12 or password stops the start here, with its reason, not at the first letter.
    const signer = await deps.signing.ready();
    deps.logger.info(signer, 'signer ready');
  } catch (err) {
    await deps.close();
    throw err;
  }
  const { app } = createApp(deps);
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(config.port, config.host, (err?: Error) => (err ? reject(err) : resolve(s)));
    s.once('error', reject);
  });
  server.requestTimeout = config.limits.requestTimeoutMs;
  server.headersTimeout = Math.min(60_000, config.limits.requestTimeoutMs);
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  for (const w of deps.workers) w.start();
  deps.logger.info({ url, database: deps.database.describe, env: config.env }, 'Sūtne is listening');

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      deps.logger.info('shutting down: no new requests, finishing those in flight');
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const forced = setTimeout(() => server.closeAllConnections(), config.shutdownTimeoutMs);
      await Promise.all([closed, ...deps.workers.map((w) => w.stop())]);
      clearTimeout(forced);
      await deps.close();
      deps.logger.info('stopped');
    })());
  return { deps, server, url, stop };
}
