import path from 'node:path';
import type { Config } from '../config';
import { CaptureTransport } from './capture-transport';
import type { MailTransport } from './mail-transport';
import { SmtpTransport } from './smtp-transport';

/**
 * The transport the configuration asks for: the relay of SMTP_URL (STARTTLS required for smtp://
 * in production), or, without SMTP_URL, the capture under DATA_DIR/outbox — no mail leaves.
 */
export function createMailTransport(config: Pick<Config, 'smtpUrl' | 'env' | 'dataDir'>): MailTransport {
  if (!config.smtpUrl) return new CaptureTransport(path.join(config.dataDir, 'outbox'));
  return new SmtpTransport({ url: config.smtpUrl, requireTLS: config.env === 'production' });
}
