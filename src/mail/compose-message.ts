import type { Readable } from 'node:stream';
import MailComposer from 'nodemailer/lib/mail-composer';
import { AppError } from '../errors';
import { Sha256Meter } from '../sha256-meter';
import type { BlobStore, StoredBlob } from '../store';
import type { MessageSpec, StoredPart } from './letter-message';

/**
 * Builds the MIME message and stores its bytes in the blob store, streaming: no attachment is
 * held whole in memory. These stored bytes are what every delivery attempt sends, unchanged.
 *
 * Each attached file is hashed on its way into the message; one that no longer matches the
 * SHA-256 recorded when it was stored (and printed in the letter) stops the message, so a
 * recipient never gets a material other than the one the signed letter lists.
 */
export async function composeMessage(spec: MessageSpec, blobs: BlobStore): Promise<StoredBlob> {
  const measured: Array<{ part: StoredPart; stream: Readable; result: () => { sha256: string; size: number } }> = [];
  try {
    for (const part of spec.attachments) measured.push({ part, ...measure(await blobs.stream(part.blobKey)) });
  } catch (err) {
    for (const m of measured) m.stream.destroy();
    throw err;
  }
  const composer = new MailComposer({
    messageId: spec.messageId,
    date: spec.date,
    from: spec.from,
    replyTo: spec.replyTo,
    to: spec.to,
    subject: spec.subject,
    // SMTP carries lines ending in CRLF; nodemailer leaves a body's own bare LFs alone when it
    // builds, and the relay would get CRLFs. Store what will be sent: CRLF throughout.
    text: crlf(spec.text),
    html: crlf(spec.html),
    headers: { 'Content-Language': 'lv' },
    attachments: measured.map(({ part, stream }) => ({
      filename: part.filename,
      contentType: part.contentType,
      contentDisposition: 'attachment',
      content: stream,
    })),
    // Content comes from the blob store only; never let a value be read as a path or a URL.
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  let stored: StoredBlob;
  try {
    stored = await blobs.put(composer.compile().createReadStream());
  } finally {
    for (const m of measured) m.stream.destroy();
  }
  const bad = measured.find(({ part, result }) => {
    const got = result();
    return got.sha256 !== part.sha256 || got.size !== part.size;
  });
  if (bad) {
    await blobs.delete(stored.key);
    throw new AppError(
      'INTERNAL',
      `The stored file of attachment "${bad.part.filename}" no longer matches its SHA-256; the letter was not queued. Restore the file from a backup.`,
    );
  }
  return stored;
}

function crlf(s: string): string {
  return s.replace(/\r?\n/g, '\r\n');
}

function measure(source: Readable): { stream: Readable; result: () => { sha256: string; size: number } } {
  const stream = new Sha256Meter();
  source.on('error', (err) => stream.destroy(err));
  stream.on('close', () => source.destroy());
  source.pipe(stream);
  return { stream, result: () => stream.result() };
}
