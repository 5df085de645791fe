import path from 'node:path';
import { setPasswordCost } from './access';
import { AuditLog, auditAnchorWorker } from './audit';
import { loadScheme, type Scheme } from './cases';
import { systemClock, type Clock } from './clock';
import type { Config } from './config';
import { loadLetterTemplates, type LetterTemplates } from './letters';
import { createLogger, type Logger } from './logger';
import { createMailTransport, OutboxWorker, registerOutboxGauge, type MailTransport } from './mail';
import { Metrics } from './metrics';
import { createSigningService, type SigningService } from './signing';
import { RetentionWorker } from './retention';
import {
  AesGcmSealer,
  DataKeys,
  FsBlobStore,
  SealedBlobStore,
  migrateToLatest,
  openDatabase,
  pingDatabase,
  plainSealer,
  type BlobStore,
  type DatabaseHandle,
  type DataSealer,
  type Db,
} from './store';

/** A named check that /readyz runs; each domain adds its own (database, storage, signer, TSA). */
export interface ReadinessCheck {
  name: string;
  check(): Promise<void>;
}

/** Work that runs beside the HTTP server (the outbox, audit anchoring); stopped before `close`. */
export interface BackgroundWorker {
  name: string;
  start(): void;
  /** Finishes the item in hand, then resolves. */
  stop(): Promise<void>;
  /** There is work now: look at once instead of at the next poll (optional). */
  wake?(): void;
}

/**
 * Every side effect the service has, wired once. Domain code receives what it needs from here
 * (or a part of it); nothing opens a connection or a file on import.
 */
export interface Deps {
  config: Config;
  logger: Logger;
  clock: Clock;
  database: DatabaseHandle;
  db: Db;
  blobs: BlobStore;
  /** Seals text (case data) before it is stored, and opens it after reading. */
  sealer: DataSealer;
  audit: AuditLog;
  metrics: Metrics;
  /** The municipality's referral scheme (`config.schemeDir`), checked whole at start. */
  scheme: Scheme;
  /** PAdES-B-T signing and verification with the configured key, TSA and trusted roots. */
  signing: SigningService;
  /** The profile's letter templates, compiled and checked against the scheme at start. */
  letterTemplates: LetterTemplates;
  readiness: ReadinessCheck[];
  workers: BackgroundWorker[];
  /** Outgoing mail: the transport letters leave by (SMTP or .eml capture) and the outbox worker (also in `workers`). */
  mail: { transport: MailTransport; outbox: OutboxWorker };
  /** Releases everything opened here, last opened first. */
  close(): Promise<void>;
  /** Adds something made from these deps (the HTTP app's rate-limit counters) for `close` to release first. */
  onClose(release: () => void | Promise<void>): void;
}

export interface DepsOptions {
  /** Bring the schema up to date while wiring (the server and the CLI do; `sutne migrate` is explicit). */
  migrate?: boolean;
  logger?: Logger;
  clock?: Clock;
  defaultMetrics?: boolean;
}

export async function createDeps(config: Config, opts: DepsOptions = {}): Promise<Deps> {
  const logger = opts.logger ?? createLogger({ level: config.logLevel });
  setPasswordCost(config.env);
  const clock = opts.clock ?? systemClock;
  // A bad scheme stops start before anything is opened, naming each bad entry.
  const scheme = await loadScheme(config.schemeDir);
  const letterTemplates = loadLetterTemplates(scheme);
  const database = openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  const closers: Array<() => Promise<void>> = [() => database.close()];
  try {
    if (opts.migrate ?? true) {
      const { applied } = await migrateToLatest(database.db);
      if (applied.length) logger.info({ applied }, 'database migrated');
    }
    const plainBlobs = new FsBlobStore(path.join(config.dataDir, 'blobs'));
    // With DATA_KEY set (production requires it) case data and every stored file are encrypted.
    const keys = config.dataKey ? new DataKeys(config.dataKeyId, config.dataKey, config.oldDataKeys) : undefined;
    const blobs: BlobStore = keys ? new SealedBlobStore(plainBlobs, keys) : plainBlobs;
    const metrics = new Metrics({ defaultMetrics: opts.defaultMetrics ?? false });
    const audit = new AuditLog(database.db, clock);
    const transport = createMailTransport(config);
    closers.push(() => transport.close());
    const outbox = new OutboxWorker(
      { db: database.db, blobs, audit, metrics, logger, clock, mail: config.mail, transport, random: Math.random },
      { leaseMs: config.mail.leaseMs, stopTimeoutMs: config.shutdownTimeoutMs },
    );
    registerOutboxGauge(metrics.registry, database.db);
    const signing = createSigningService({ config, clock, logger });
    closers.push(() => signing.close());
    // The audit chain's head is time-stamped by the same TSA that stamps signatures.
    audit.useTimestamps({ tsa: signing.timestamper, verifier: signing });
    const anchoring = auditAnchorWorker({ db: database.db, audit, logger }, config.auditAnchorMinutes);
    const deps: Deps = {
      config,
      logger,
      clock,
      database,
      db: database.db,
      blobs,
      sealer: keys ? new AesGcmSealer(keys) : plainSealer,
      audit,
      metrics,
      scheme,
      signing,
      letterTemplates,
      readiness: [
        { name: 'database', check: () => pingDatabase(database.db) },
        { name: 'storage', check: () => blobs.ping() },
        { name: 'signer', check: async () => void (await signing.ready()) },
      ],
      workers: [outbox, anchoring],
      mail: { transport, outbox },
      onClose: (release) => {
        closers.push(async () => release());
      },
      close: async () => {
        for (const close of closers.reverse()) await close();
      },
    };
    deps.workers.push(new RetentionWorker(deps));
    return deps;
  } catch (err) {
    await database.close();
    throw err;
  }
}
