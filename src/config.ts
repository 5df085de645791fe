import path from 'node:path';
import { z } from 'zod';

/**
 * The whole configuration of a Sūtne process, parsed once from the environment.
 * Nothing else in the code base reads the environment: pass a `Config` (or a part of it) instead.
 */
export interface Config {
  env: 'development' | 'production' | 'test';
  host: string;
  port: number;
  dataDir: string;
  databaseUrl: string | undefined;
  smtpUrl: string | undefined;
  mailFrom: string;
  signingP12: string | undefined;
  signingP12Password: string | undefined;
  tsaUrl: string | undefined;
  tsaTimeoutMs: number;
  /** PEM file of extra trusted roots for verifying signatures and time-stamps (a qualified TSA's, other CAs'). */
  trustAnchors: string | undefined;
  dataKey: Buffer | undefined;
  dataKeyId: string;
  /** Earlier data keys, by id, still needed to read what they encrypted. */
  oldDataKeys: Map<string, Buffer>;
  schemeDir: string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  trustProxy: boolean;
  limits: {
    jsonBodyBytes: number;
    uploadFileBytes: number;
    uploadCaseBytes: number;
    uploadFiles: number;
    requestTimeoutMs: number;
    /** Requests per minute per API key or signed-in person on /api/v1. */
    rateLimitPerMinute: number;
    /** Requests per minute per client address on /api/v1, whatever the credentials. */
    rateLimitPerAddressPerMinute: number;
    /** Sign-in attempts per minute per client address. */
    loginAttemptsPerMinute: number;
    /** Largest request head (request line and headers) the server reads; larger answers 431. */
    headerBytes: number;
  };
  /**
   * The outbox: attempts per letter, the first retry delay (doubling, with jitter), how often an
   * idle worker looks, and how long a worker that stops answering (a crash) keeps its letters.
   */
  mail: { maxAttempts: number; retryBaseMs: number; pollMs: number; leaseMs: number };
  sessionTtlMinutes: number;
  retentionDays: number;
  auditAnchorMinutes: number;
  shutdownTimeoutMs: number;
}

/** The installed package's root (this file is `src/config.ts` or `dist/config.js`). */
export const PACKAGE_ROOT = path.resolve(__dirname, '..');

const positiveInt = (fallback: number) =>
  z.coerce.number({ error: 'must be a number' }).int('must be a whole number').positive('must be greater than 0').default(fallback);

const base64Key = z
  .string()
  .refine((v) => Buffer.from(v, 'base64').length === 32, 'must be 32 bytes encoded in base64 (openssl rand -base64 32)');

const emptyAsUnset = (v: unknown) => (v === '' ? undefined : v);
const optional = <T extends z.ZodTypeAny>(schema: T) => z.preprocess(emptyAsUnset, schema.optional());

const url = (protocols: string[]) =>
  z.string().refine((v) => {
    try {
      return protocols.includes(new URL(v).protocol);
    } catch {
      return false;
    }
  }, `must be a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}`);

const envSchema = z.object({
  SUTNE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number({ error: 'must be a port number (0–65535)' }).int('must be a port number (0–65535)').min(0, 'must be a port number (0–65535)').max(65535, 'must be a port number (0–65535)').default(3000),
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: optional(url(['postgres:', 'postgresql:'])),
  SMTP_URL: optional(url(['smtp:', 'smtps:'])),
  MAIL_FROM: z.email('must be an e-mail address').default('sutne@localhost'),
  SIGNING_P12: optional(z.string()),
  SIGNING_P12_PASSWORD: optional(z.string()),
  TSA_URL: optional(url(['http:', 'https:'])),
  TSA_TIMEOUT_MS: positiveInt(15_000),
  TRUST_ANCHORS: optional(z.string()),
  DATA_KEY: optional(base64Key),
  DATA_KEY_ID: z.string().regex(/^[A-Za-z0-9._-]{1,32}$/, 'must be 1–32 letters, digits, dots, dashes or underscores').default('k1'),
  DATA_KEYS_OLD: optional(
    z.string().regex(/^([A-Za-z0-9._-]{1,32}:[A-Za-z0-9+/=]+)(,[A-Za-z0-9._-]{1,32}:[A-Za-z0-9+/=]+)*$/, 'must be id:base64key pairs separated by commas'),
  ),
  SCHEME_DIR: optional(z.string().min(1)),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  TRUST_PROXY: z.enum(['true', 'false']).default('false'),
  JSON_BODY_LIMIT_BYTES: positiveInt(1_000_000),
  UPLOAD_MAX_FILE_BYTES: positiveInt(25 * 1024 * 1024),
  UPLOAD_MAX_CASE_BYTES: positiveInt(100 * 1024 * 1024),
  UPLOAD_MAX_FILES: positiveInt(50),
  REQUEST_TIMEOUT_MS: positiveInt(120_000),
  RATE_LIMIT_PER_MINUTE: positiveInt(600),
  RATE_LIMIT_PER_ADDRESS_PER_MINUTE: positiveInt(1200),
  LOGIN_ATTEMPTS_PER_MINUTE: positiveInt(10),
  MAX_HEADER_BYTES: positiveInt(16 * 1024),
  MAIL_MAX_ATTEMPTS: positiveInt(8),
  MAIL_RETRY_BASE_MS: positiveInt(30_000),
  MAIL_POLL_MS: positiveInt(2_000),
  MAIL_LEASE_MS: positiveInt(120_000),
  SESSION_TTL_MINUTES: positiveInt(480),
  RETENTION_DAYS: positiveInt(5 * 365),
  AUDIT_ANCHOR_MINUTES: positiveInt(60),
  SHUTDOWN_TIMEOUT_MS: positiveInt(15_000),
});

/** Thrown when the environment does not describe a usable configuration; names every bad variable. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses the environment into a `Config`, or throws one `ConfigError` listing every problem. */
export function loadConfig(env: NodeJS.ProcessEnv, cwd: string = process.cwd()): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((i) => `${String(i.path[0])}: ${i.message}${describeValue(env, i.path[0])}`),
    );
  }
  const e = parsed.data;
  const problems: string[] = [];
  if (e.SIGNING_P12 && e.SIGNING_P12_PASSWORD === undefined) {
    problems.push('SIGNING_P12_PASSWORD: must be set when SIGNING_P12 is set');
  }
  if (e.SUTNE_ENV === 'production') problems.push(...unsafeForProduction(e));
  if (problems.length) throw new ConfigError(problems);

  const oldDataKeys = new Map<string, Buffer>();
  for (const pair of e.DATA_KEYS_OLD?.split(',') ?? []) {
    const [id, key] = pair.split(':') as [string, string];
    oldDataKeys.set(id, Buffer.from(key, 'base64'));
  }

  return {
    env: e.SUTNE_ENV,
    host: e.HOST,
    port: e.PORT,
    dataDir: path.resolve(cwd, e.DATA_DIR),
    databaseUrl: e.DATABASE_URL,
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MAIL_FROM,
    signingP12: e.SIGNING_P12 ? path.resolve(cwd, e.SIGNING_P12) : undefined,
    signingP12Password: e.SIGNING_P12_PASSWORD,
    tsaUrl: e.TSA_URL,
    tsaTimeoutMs: e.TSA_TIMEOUT_MS,
    trustAnchors: e.TRUST_ANCHORS ? path.resolve(cwd, e.TRUST_ANCHORS) : undefined,
    dataKey: e.DATA_KEY ? Buffer.from(e.DATA_KEY, 'base64') : undefined,
    dataKeyId: e.DATA_KEY_ID,
    oldDataKeys,
    // The default profile ships inside the package, wherever the process is started from.
    schemeDir: e.SCHEME_DIR ? path.resolve(cwd, e.SCHEME_DIR) : path.join(PACKAGE_ROOT, 'templates', 'aizkraukle'),
    logLevel: e.LOG_LEVEL,
    trustProxy: e.TRUST_PROXY === 'true',
    limits: {
      jsonBodyBytes: e.JSON_BODY_LIMIT_BYTES,
      uploadFileBytes: e.UPLOAD_MAX_FILE_BYTES,
      uploadCaseBytes: e.UPLOAD_MAX_CASE_BYTES,
      uploadFiles: e.UPLOAD_MAX_FILES,
      requestTimeoutMs: e.REQUEST_TIMEOUT_MS,
      rateLimitPerMinute: e.RATE_LIMIT_PER_MINUTE,
      rateLimitPerAddressPerMinute: e.RATE_LIMIT_PER_ADDRESS_PER_MINUTE,
      loginAttemptsPerMinute: e.LOGIN_ATTEMPTS_PER_MINUTE,
      headerBytes: e.MAX_HEADER_BYTES,
    },
    mail: { maxAttempts: e.MAIL_MAX_ATTEMPTS, retryBaseMs: e.MAIL_RETRY_BASE_MS, pollMs: e.MAIL_POLL_MS, leaseMs: e.MAIL_LEASE_MS },
    sessionTtlMinutes: e.SESSION_TTL_MINUTES,
    retentionDays: e.RETENTION_DAYS,
    auditAnchorMinutes: e.AUDIT_ANCHOR_MINUTES,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
  };
}

/** Production must not run on development stand-ins; each line says what to set instead. */
function unsafeForProduction(e: z.infer<typeof envSchema>): string[] {
  const problems: string[] = [];
  if (!e.SIGNING_P12) {
    problems.push('SIGNING_P12: production needs the institution\'s PKCS#12 certificate, not the generated development PKI (see certs/README.md)');
  }
  if (!e.TSA_URL) problems.push('TSA_URL: production needs a qualified RFC 3161 time-stamp authority, not the embedded development TSA');
  if (!e.SMTP_URL) problems.push('SMTP_URL: production needs a mail relay (smtp:// with STARTTLS, or smtps://), not the .eml capture');
  if (!e.DATA_KEY) problems.push('DATA_KEY: production needs a 32-byte base64 key for encryption at rest (openssl rand -base64 32)');
  if (e.MAIL_FROM === 'sutne@localhost') problems.push('MAIL_FROM: production needs the institution\'s real sending address');
  return problems;
}

/** Shows what was given, except for secrets: keys and passwords whole, and credentials in URLs. */
function describeValue(env: NodeJS.ProcessEnv, key: PropertyKey | undefined): string {
  if (typeof key !== 'string' || env[key] === undefined) return '';
  if (/PASSWORD|KEY|SECRET|TOKEN/.test(key)) return ' (value hidden)';
  const shown = env[key]!.slice(0, 80).replace(/[^\s/@]+@/g, '***@');
  return ` (got ${JSON.stringify(shown)})`;
}
