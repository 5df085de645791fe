import { createHmac, hkdfSync } from 'node:crypto';

/**
 * The child's name as it is compared: letters only, without diacritics, lower case, words in
 * sorted order — "Bērziņš  Jānis" and "janis berzins" are the same search.
 */
export function normaliseChildName(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLocaleLowerCase('lv')
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean)
    .sort()
    .join(' ');
}

/** Used only without DATA_KEY (development): names are then not secret anyway. */
const DEVELOPMENT_KEY = Buffer.from('sutne development child-name key');

/**
 * Keyed hash (HMAC-SHA-256) of a child's normalised name, stored in `cases.child_name_hash` so
 * the register can be searched by name without decrypting case data or keeping the name in clear.
 * The key is derived from DATA_KEY, so without it the hashes cannot be tested against guesses.
 */
export function childNameHasher(dataKey: Buffer | undefined): (name: string) => string {
  const key = dataKey ? Buffer.from(hkdfSync('sha256', dataKey, Buffer.alloc(0), 'sutne child-name search v1', 32)) : DEVELOPMENT_KEY;
  return (name) => createHmac('sha256', key).update(normaliseChildName(name), 'utf8').digest('hex');
}
