import type { RequestHandler, Response } from 'express';
import { findSession, type LiveSession, type Role } from '../access';
import type { Deps } from '../deps';
import { clearSessionCookie, readCookie, SESSION_COOKIE } from '../http/session-cookie';
import { findUser } from '../store';

export const roleLabels: Record<Role, string> = {
  clerk: 'lietvedis',
  signer: 'parakstītājs',
  admin: 'administrators',
  auditor: 'auditors',
  system: 'sistēma',
};

/** What a page knows about who is looking at it. */
export interface WebViewer {
  session: LiveSession;
  label: string;
  roleLabel: string;
}

/** Loads the signed-in person (if any) into `res.locals.viewer`; a dead cookie is cleared. */
export function loadViewer(deps: Deps): RequestHandler {
  return async (req, res, next) => {
    const token = readCookie(req, SESSION_COOKIE);
    if (token) {
      const session = await findSession(deps, token);
      if (session) {
        const user = await findUser(deps.db, session.principal.id);
        const viewer: WebViewer = {
          session,
          label: user?.displayName ?? user?.email ?? session.principal.id,
          roleLabel: roleLabels[session.principal.role],
        };
        res.locals.viewer = viewer;
        res.locals.principal = session.principal;
      } else {
        clearSessionCookie(res, deps.config);
      }
    }
    next();
  };
}

export function viewerOf(res: Response): WebViewer | undefined {
  return res.locals.viewer as WebViewer | undefined;
}

/** Pages behind sign-in send a signed-out visitor to the login page, and back afterwards. */
export const requireViewer: RequestHandler = (req, res, next) => {
  if (viewerOf(res)) return next();
  res.redirect(303, `/login?next=${encodeURIComponent(req.originalUrl)}`);
};

/** Only our own pages may be the target after sign-in: a path, never another site. */
export function safeNext(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length > 500) return undefined;
  return /^\/(?![/\\])[^\s\\]*$/.test(value) ? value : undefined;
}
