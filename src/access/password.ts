import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const scrypt = (password: string, salt: Buffer, keylen: number, opts: ScryptOptions) =>
  new Promise<Buffer>((resolve, reject) =>
    scryptCb(password, salt, keylen, opts, (err, key) => (err ? reject(err) : resolve(key))),
  );

// OWASP's scrypt floor (N=2^17, r=8, p=1) costs ~128 MiB and ~0.3 s here: enough to make guessing dear.
const STRONG = { N: 2 ** 17, r: 8, p: 1, maxmem: 256 * 1024 * 1024 };
// SUTNE_ENV=test only: the same algorithm at 1/32 of the cost, so suites that sign in often stay fast.
const TEST = { ...STRONG, N: 2 ** 12 };
let PARAMS = STRONG;
const KEYLEN = 32;

/** Chosen once by `createDeps` from SUTNE_ENV; every other environment hashes at full cost. */
export function setPasswordCost(env: 'development' | 'production' | 'test'): void {
  PARAMS = env === 'test' ? TEST : STRONG;
}

/** A stored hash made with weaker parameters than those in force now (re-hash it at the next sign-in). */
export function needsRehash(stored: string): boolean {
  const [scheme, n, r, p] = stored.split('$');
  return scheme !== 'scrypt' || Number(n) < PARAMS.N || Number(r) < PARAMS.r || Number(p) < PARAMS.p;
}

/** `scrypt$N$r$p$salt$hash`, all parameters kept so they can be raised later. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scrypt(password.normalize('NFC'), salt, KEYLEN, PARAMS);
  return ['scrypt', PARAMS.N, PARAMS.r, PARAMS.p, salt.toString('base64'), hash.toString('base64')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !n || !r || !p || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const actual = await scrypt(password.normalize('NFC'), Buffer.from(salt, 'base64'), expected.length, {
    N: Number(n), r: Number(r), p: Number(p), maxmem: PARAMS.maxmem,
  });
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

const dummies = new Map<number, Promise<string>>();

/** A hash of a random password at the cost in force, made once: a failed login for an unknown e-mail takes as long as a real one. */
export function dummyPasswordHash(): Promise<string> {
  let dummy = dummies.get(PARAMS.N);
  if (!dummy) dummies.set(PARAMS.N, (dummy = hashPassword(randomBytes(16).toString('hex'))));
  return dummy;
}

export const passwordRules = { minLength: 12, maxLength: 200 };
