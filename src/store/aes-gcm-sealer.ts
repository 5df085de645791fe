import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { DataSealer } from './data-sealer';
import { SealError, type DataKeys } from './data-keys';

const PREFIX = 'sutne-sealed:v1:';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * AES-256-GCM for text kept in the database. The envelope is
 * `sutne-sealed:v1:<keyId>:<base64url(iv ‖ ciphertext ‖ tag)>`: the key id says which key opens
 * it, so keys can rotate while old rows stay readable, and the header is authenticated data, so
 * a row cannot be made to claim another key.
 */
export class AesGcmSealer implements DataSealer {
  readonly encrypts = true;

  constructor(private readonly keys: DataKeys) {}

  seal(plain: string): string {
    const header = PREFIX + this.keys.currentId;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.keys.current, iv);
    cipher.setAAD(Buffer.from(header, 'utf8'));
    const body = Buffer.concat([iv, cipher.update(plain, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    return `${header}:${body.toString('base64url')}`;
  }

  open(stored: string): string {
    const keyId = sealedKeyId(stored);
    if (keyId === undefined) {
      throw new SealError('This data is stored unencrypted although DATA_KEY is set: it was written before encryption was turned on (see SECURITY.md, "Keys and their rotation").');
    }
    const header = PREFIX + keyId;
    const body = Buffer.from(stored.slice(header.length + 1), 'base64url');
    if (body.length < IV_BYTES + TAG_BYTES) throw new SealError('Sealed data is truncated.');
    const decipher = createDecipheriv('aes-256-gcm', this.keys.get(keyId), body.subarray(0, IV_BYTES));
    decipher.setAAD(Buffer.from(header, 'utf8'));
    decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
    try {
      return Buffer.concat([decipher.update(body.subarray(IV_BYTES, body.length - TAG_BYTES)), decipher.final()]).toString('utf8');
    } catch (err) {
      throw new SealError(`Sealed data does not open with data key "${keyId}": the key is not the one it was sealed with, or the data was altered.`, { cause: err });
    }
  }
}

/** The id of the key that sealed `stored`, or undefined when it is not sealed. */
export function sealedKeyId(stored: string): string | undefined {
  if (!stored.startsWith(PREFIX)) return undefined;
  const end = stored.indexOf(':', PREFIX.length);
  return end > PREFIX.length ? stored.slice(PREFIX.length, end) : undefined;
}
