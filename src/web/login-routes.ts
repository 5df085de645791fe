import { randomBytes, timingSafeEqual } from 'node:crypto';
import express, { type Request, type Response, type Router } from 'express';
import { rateLimit } from 'express-rate-limit';
import { logIn, logOut, requireCsrf } from '../access';
import type { Deps } from '../deps';
import { isAppError } from '../errors';
import { counters } from '../http/middleware/rate-limits';
import { clearSessionCookie, cookieOptions, readCookie, requireSameOrigin, SESSION_COOKIE, setSessionCookie } from '../http/session-cookie';
import type { Views } from './views';
import { messagesOf } from './web-page';
import { safeNext, viewerOf } from './web-session';

/** Before sign-in there is no session: the login form is guarded by a double-submit cookie. */
const LOGIN_CSRF_COOKIE = 'sutne_login_csrf';

const messages = {
  failed: 'Nepareizs e-pasts vai parole, vai arī šis konts pašlaik nevar pieteikties. Mēģiniet vēlreiz vēlāk.',
  tooMany: 'Pārāk daudz pieteikšanās mēģinājumu no šīs adreses. Pagaidiet minūti un mēģiniet vēlreiz.',
  stale: 'Pieteikšanās forma ir novecojusi. Lūdzu, mēģiniet vēlreiz.',
};

/** GET/POST /login and POST /logout. */
export function loginRoutes(deps: Deps, views: Views): Router {
  const router = express.Router();
  const form = express.urlencoded({ extended: false, limit: '8kb', parameterLimit: 10 });

  const renderLogin = (req: Request, res: Response, status: number, extra: { error?: string; email?: string } = {}) => {
    const csrfToken = randomBytes(32).toString('base64url');
    res.cookie(LOGIN_CSRF_COOKIE, csrfToken, cookieOptions(deps.config, '/login'));
    const body = req.body as Record<string, unknown> | undefined;
    const m = messagesOf(res);
    res.status(status).type('html').send(
      views.render('login', { title: m.login.title, m, lang: m.lang, csrfToken, next: safeNext(req.query.next ?? body?.next), ...extra }),
    );
  };

  router.get('/login', (req, res) => {
    if (viewerOf(res)) return res.redirect(303, safeNext(req.query.next) ?? '/');
    renderLogin(req, res, 200);
  });

  const attempts = rateLimit({
    store: counters(deps.onClose),
    windowMs: 60_000,
    limit: deps.config.limits.loginAttemptsPerMinute,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    handler: (req, res) => {
      res.locals.errorCode = 'RATE_LIMITED';
      renderLogin(req, res, 429, { error: messages.tooMany });
    },
  });

  router.post('/login', attempts, form, async (req, res) => {
    const body = req.body as { email?: unknown; password?: unknown; _csrf?: unknown; next?: unknown };
    if (!sameToken(readCookie(req, LOGIN_CSRF_COOKIE), body._csrf)) {
      res.locals.errorCode = 'CSRF_FAILED';
      return renderLogin(req, res, 403, { error: messages.stale });
    }
    const email = typeof body.email === 'string' ? body.email : '';
    const password = typeof body.password === 'string' ? body.password : '';
    // A browser that still holds a session gets a new one: a planted cookie never survives sign-in.
    const previous = readCookie(req, SESSION_COOKIE);
    if (previous) await logOut(deps, previous, res.locals.requestId as string);
    try {
      const session = await logIn(deps, { email, password }, res.locals.requestId as string);
      res.locals.principal = session.principal;
      setSessionCookie(res, deps.config, session.token);
      res.clearCookie(LOGIN_CSRF_COOKIE, cookieOptions(deps.config, '/login'));
      res.redirect(303, safeNext(body.next) ?? '/');
    } catch (err) {
      if (!isAppError(err, 'UNAUTHENTICATED')) throw err;
      res.locals.errorCode = err.code;
      renderLogin(req, res, 401, { error: messages.failed, email: email.slice(0, 254) });
    }
  });

  router.post('/logout', form, async (req, res) => {
    const viewer = viewerOf(res);
    if (viewer) {
      requireSameOrigin(req);
      requireCsrf(viewer.session.csrfToken, (req.body as { _csrf?: unknown })._csrf);
      await logOut(deps, readCookie(req, SESSION_COOKIE)!, res.locals.requestId as string);
    }
    clearSessionCookie(res, deps.config);
    res.redirect(303, '/login');
  });

  return router;
}

function sameToken(cookie: string | undefined, field: unknown): boolean {
  if (!cookie || typeof field !== 'string') return false;
  const a = Buffer.from(cookie);
  const b = Buffer.from(field);
  return a.length === b.length && timingSafeEqual(a, b);
}
