import { createHash, randomBytes } from 'node:crypto';

const PREFIX = 'sutne_';

/** A new API key: 256 random bits, base64url, with a recognisable prefix for secret scanners. */
export function generateApiKey(): { key: string; hash: string; displayPrefix: string } {
  const key = PREFIX + randomBytes(32).toString('base64url');
  return { key, hash: hashApiKey(key), displayPrefix: key.slice(0, PREFIX.length + 6) };
}

/**
 * Keys are stored only as SHA-256: they carry 256 bits of entropy, so a slow hash adds nothing,
 * and a fast one keeps every request cheap.
 */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

export function looksLikeApiKey(value: string): boolean {
  return value.startsWith(PREFIX) && value.length === PREFIX.length + 43;
}
