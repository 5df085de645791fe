import http, { type Server } from 'node:http';
import type { Duplex } from 'node:stream';
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
  const server = http.createServer(
    {
      maxHeaderSize: config.limits.headerBytes,
      requestTimeout: config.limits.requestTimeoutMs,
      headersTimeout: Math.min(60_000, config.limits.requestTimeoutMs),
    },
    app,
  );
  server.maxHeadersCount = 100;
  server.on('clientError', answerClientError);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
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

/**
 * Requests Node refuses before Express sees them (an oversized head, a malformed request line)
 * still get the CONTRACT error shape, then the connection closes.
 */
function answerClientError(err: Error & { code?: string }, socket: Duplex): void {
  if (!socket.writable || (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent) {
    socket.destroy();
    return;
  }
  const [status, reason, code, message] =
    err.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'Request Header Fields Too Large', 'PAYLOAD_TOO_LARGE', 'The request headers are larger than the limit.']
      : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'Request Timeout', 'REQUEST_TIMEOUT', 'The request did not arrive in time.']
        : [400, 'Bad Request', 'VALIDATION_FAILED', 'The request is not valid HTTP.'];
  const body = JSON.stringify({ error: { code, message } });
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
