import { randomBytes } from 'node:crypto';
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { DeliveryReceipt, Envelope, MailTransport } from './mail-transport';

/**
 * Development without SMTP_URL: nothing leaves the machine. Each message is written to
 * `DATA_DIR/outbox/<letter id>.eml` — the exact bytes a relay would have got — through a
 * temporary file and a rename, so a reader never sees half a message and a repeat overwrites.
 */
export class CaptureTransport implements MailTransport {
  readonly name = 'capture' as const;

  constructor(readonly dir: string) {}

  async send(message: { envelope: Envelope; raw: Buffer; letterId: string }): Promise<DeliveryReceipt> {
    await fsp.mkdir(this.dir, { recursive: true, mode: 0o700 });
    const file = `${message.letterId.replace(/[^A-Za-z0-9-]/g, '_')}.eml`;
    const tmp = path.join(this.dir, `.${file}.${randomBytes(6).toString('hex')}.tmp`);
    try {
      await fsp.writeFile(tmp, message.raw, { mode: 0o600, flag: 'wx' });
      await fsp.rename(tmp, path.join(this.dir, file));
    } catch (err) {
      await fsp.rm(tmp, { force: true });
      throw err;
    }
    return { response: `250 captured as outbox/${file}; not sent`, accepted: [...message.envelope.to], rejected: [] };
  }

  async close(): Promise<void> {}
}
