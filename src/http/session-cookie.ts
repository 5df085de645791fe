import { parse } from 'cookie';
import type { CookieOptions, Request, Response } from 'express';
import type { Config } from '../config';
import { AppError } from '../errors';

/** The cookie that carries a web session's token. */
export const SESSION_COOKIE = 'sutne_session';

/** Methods that change nothing; every other one needs the session's CSRF token. */
export const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function readCookie(req: Request, name: string): string | undefined {
  const header = req.get('cookie');
  if (!header) return undefined;
  return parse(header)[name] || undefined;
}

/** HttpOnly (no script reads it), SameSite=Strict (no other site sends it), Secure in production. */
export function cookieOptions(config: Pick<Config, 'env'>, path = '/'): CookieOptions {
  return { httpOnly: true, sameSite: 'strict', secure: config.env === 'production', path };
}

export function setSessionCookie(res: Response, config: Pick<Config, 'env'>, token: string): void {
  // No Max-Age: the browser forgets it when closed, and the server decides when it expires.
  res.cookie(SESSION_COOKIE, token, cookieOptions(config));
}

export function clearSessionCookie(res: Response, config: Pick<Config, 'env'>): void {
  res.clearCookie(SESSION_COOKIE, cookieOptions(config));
}

/**
 * A cookie-authenticated unsafe request must come from our own pages: an `Origin` (or, without it,
 * a `Referer`) naming another site is refused before the token is even looked at. Pages send
 * `Referrer-Policy: same-origin`, so our own requests name us and nothing leaks to other sites.
 */
export function requireSameOrigin(req: Request): void {
  const origin = req.get('origin');
  // "null" is what a browser sends when it will not say (a strict Referrer-Policy, a privacy
  // setting): it proves nothing either way, so the CSRF token alone decides.
  const source = origin && origin !== 'null' ? origin : req.get('referer');
  if (!source) return;
  let host: string;
  try {
    host = new URL(source).host;
  } catch {
    host = '';
  }
  // req.host honours X-Forwarded-Host behind a trusted proxy (TRUST_PROXY), and keeps the port.
  if (host !== req.host) {
    throw new AppError('CSRF_FAILED', 'This request came from another site and was refused.');
  }
}
