/** How one failed delivery attempt is judged. */
export interface DeliveryFailure {
  /** True when sending the same message again would be refused again. */
  permanent: boolean;
  /** A short code for the audit log and metrics: the SMTP reply code, or the transport's error code. */
  code: string;
  /** What went wrong, for `lastError` (one line, bounded). */
  message: string;
  /** The server's own answer, when there was one. */
  response: string | null;
}

interface TransportError {
  code?: unknown;
  responseCode?: unknown;
  response?: unknown;
  permanent?: unknown;
  message?: unknown;
}

/**
 * Reads a transport error. A 5xx reply to the message or its recipients is permanent (nodemailer
 * marks it: every 5yz except 503). Everything else — refused or dropped connections, timeouts,
 * DNS, 4xx — is temporary. So are a failed login and a failed or refused STARTTLS even when the
 * relay answers 5xx (535, or 500 to STARTTLS): they are the relay's configuration, not this
 * letter's fault, and the letter must go out once an operator fixes it.
 */
export function classifyFailure(err: unknown): DeliveryFailure {
  const e = (err && typeof err === 'object' ? err : {}) as TransportError;
  const code = typeof e.code === 'string' ? e.code : 'ERROR';
  const responseCode = typeof e.responseCode === 'number' ? e.responseCode : undefined;
  const response = typeof e.response === 'string' ? oneLine(e.response, 500) : null;
  const configuration = ['EAUTH', 'ENOAUTH', 'EOAUTH2', 'ETLS', 'EREQUIRETLS'].includes(code);
  const permanent = !configuration && e.permanent === true;
  const text = typeof e.message === 'string' ? e.message : String(err);
  return {
    permanent,
    code: responseCode ? String(responseCode) : code,
    message: oneLine(`${code}${responseCode ? ` ${responseCode}` : ''}: ${text}`, 500),
    response,
  };
}

function oneLine(s: string, max: number): string {
  const line = s.replace(/\s+/g, ' ').trim();
  return line.length <= max ? line : `${line.slice(0, max - 1)}…`;
}
