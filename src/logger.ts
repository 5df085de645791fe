import pino, { type Logger } from 'pino';

export type { Logger };

/**
 * Field names whose values never reach a log, at any depth: secrets (keys, passwords, tokens,
 * credentials in URLs) and children's data (names, personal codes, addresses, what happened).
 * Matched case-insensitively.
 */
const CENSORED_FIELDS = [
  // secrets
  'authorization', 'cookie', 'set-cookie', 'password', 'key', 'apiKey', 'token', 'secret', 'csrfToken', 'p12Password',
  'signingP12Password', 'dataKey', 'oldDataKeys', 'databaseUrl', 'smtpUrl',
  // personal data of a case
  'fullName', 'personalCode', 'birthDate', 'address', 'email', 'emails', 'phone', 'child', 'parents', 'situation',
  'actionsTaken', 'contactPerson', 'signatory', 'description', 'by', 'displayName', 'filename',
  // what a database error may quote from a row
  'detail', 'parameters',
];
const censored = new Set(CENSORED_FIELDS.map((f) => f.toLowerCase()));
const CENSOR = '[redacted]';
const MAX_DEPTH = 8;

/** pino's own redaction, for the common shallow paths (it also covers what the scrub below might miss). */
const shallow = CENSORED_FIELDS.filter((f) => /^\w+$/.test(f));
const REDACT = [
  ...shallow,
  ...shallow.map((f) => `*.${f}`),
  'headers.authorization', 'headers.cookie', 'req.headers.authorization', 'req.headers.cookie',
];

/**
 * Structured JSON logs on stdout. Bodies are never logged; whatever object a caller passes is
 * scrubbed at every depth, so secrets and children's data cannot reach a log by accident.
 */
export function createLogger(opts: { level: string; destination?: pino.DestinationStream }): Logger {
  return pino(
    {
      level: opts.level,
      base: { service: 'sutne' },
      redact: { paths: REDACT, censor: CENSOR },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: {
        level: (label) => ({ level: label }),
        log: (object) => scrub(object, 0) as Record<string, unknown>,
      },
    },
    opts.destination,
  );
}

/** A copy of `value` with every censored field replaced; errors keep type, message, code and stack. */
export function scrub(value: unknown, depth = 0): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_DEPTH) return '[too deep]';
  if (value instanceof Error) {
    const e = value as Error & { code?: unknown; cause?: unknown };
    return {
      type: e.name,
      message: e.message,
      ...(e.code !== undefined ? { code: e.code } : {}),
      stack: e.stack,
      ...(e.cause !== undefined ? { cause: scrub(e.cause, depth + 1) } : {}),
    };
  }
  if (Buffer.isBuffer(value)) return CENSOR;
  if (Array.isArray(value)) return value.map((v) => scrub(v, depth + 1));
  if (value instanceof Map) return CENSOR;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = censored.has(k.toLowerCase()) ? CENSOR : scrub(v, depth + 1);
  }
  return out;
}
