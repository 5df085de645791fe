import nodemailer from 'nodemailer';
import type { NodemailerError } from 'nodemailer/lib/errors';
import type { DeliveryReceipt, Envelope, MailTransport } from './mail-transport';

export interface SmtpOptions {
  /** smtp:// (STARTTLS when offered, or required) or smtps:// (TLS from the start). */
  url: string;
  /** Refuse to send over a connection that did not upgrade with STARTTLS (production). */
  requireTLS: boolean;
  maxConnections?: number;
  /** Extra TLS options (a test CA); production trusts the system's CAs. */
  tls?: { ca?: string | Buffer; rejectUnauthorized?: boolean };
}

/**
 * The mail relay of SMTP_URL over pooled connections. Timeouts are short enough that a stalled
 * relay gives the connection back to the outbox, which decides about retrying.
 */
export class SmtpTransport implements MailTransport {
  readonly name = 'smtp' as const;
  private readonly mailer;

  constructor(opts: SmtpOptions) {
    const requireTLS = opts.requireTLS && new URL(opts.url).protocol === 'smtp:';
    this.mailer = nodemailer.createTransport({
      pool: true,
      url: opts.url,
      maxConnections: opts.maxConnections ?? 5,
      maxMessages: 100,
      requireTLS,
      connectionTimeout: 30_000,
      greetingTimeout: 30_000,
      socketTimeout: 120_000,
      disableFileAccess: true,
      disableUrlAccess: true,
      ...(opts.tls ? { tls: opts.tls } : {}),
    });
  }

  async send(message: { envelope: Envelope; raw: Buffer; letterId?: string }): Promise<DeliveryReceipt> {
    const info = await this.mailer.sendMail({ envelope: message.envelope, raw: message.raw });
    const rejectedErrors: NodemailerError[] = (info as { rejectedErrors?: NodemailerError[] }).rejectedErrors ?? [];
    return {
      response: info.response,
      accepted: info.accepted.map(String),
      rejected: info.rejected.map((address) => {
        const e = rejectedErrors.find((r) => r.recipient === address);
        return { address: String(address), response: e?.response ?? 'refused', permanent: e?.permanent ?? true };
      }),
    };
  }

  async close(): Promise<void> {
    this.mailer.close();
  }
}
