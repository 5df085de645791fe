import pino, { type Logger } from 'pino';

export type { Logger };

/**
 * Structured JSON logs on stdout. Bodies are never logged; these paths are censored in case a
 * caller passes an object that holds them, so secrets and children's data cannot reach a log.
 */
const REDACT = [
  'authorization', 'cookie', 'password', 'key', 'apiKey', 'token', 'secret', 'p12Password',
  'fullName', 'personalCode', 'birthDate', 'address', 'email', 'phone', 'child', 'parents', 'situation',
  '*.authorization', '*.cookie', '*.password', '*.key', '*.apiKey', '*.token', '*.secret', '*.p12Password',
  '*.fullName', '*.personalCode', '*.birthDate', '*.address', '*.email', '*.phone', '*.child', '*.parents', '*.situation',
  'headers.authorization', 'headers.cookie', 'req.headers.authorization', 'req.headers.cookie',
];

export function createLogger(opts: { level: string; destination?: pino.DestinationStream }): Logger {
  return pino(
    {
      level: opts.level,
      base: { service: 'sutne' },
      redact: { paths: REDACT, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    opts.destination,
  );
}
