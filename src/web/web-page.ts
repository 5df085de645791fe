import type { Request, RequestHandler, Response } from 'express';
import { can, requireCsrf, type Permission, type Principal } from '../access';
import type { Config } from '../config';
import { AppError } from '../errors';
import { cookieOptions, requireSameOrigin } from '../http/session-cookie';
import { languages, messagesFor, type Lang, type Messages } from './messages';
import type { PageContext, Views } from './views';
import { viewerOf } from './web-session';

/** Remembers the viewer's language; Latvian unless they switched. */
export const LANG_COOKIE = 'sutne_lang';

function isLang(v: unknown): v is Lang {
  return typeof v === 'string' && Object.hasOwn(languages, v);
}

/** `?lang=en` switches (and is remembered in a cookie); otherwise the cookie, otherwise Latvian. */
export function chooseLanguage(config: Pick<Config, 'env'>): RequestHandler {
  return (req, res, next) => {
    const asked = req.query.lang;
    let lang: Lang = 'lv';
    if (isLang(asked)) {
      lang = asked;
      res.cookie(LANG_COOKIE, lang, { ...cookieOptions(config), sameSite: 'lax', maxAge: 365 * 24 * 3600 * 1000 });
    } else {
      const cookie = /(?:^|;\s*)sutne_lang=(\w+)/.exec(req.get('cookie') ?? '')?.[1];
      if (isLang(cookie)) lang = cookie;
    }
    res.locals.lang = lang;
    next();
  };
}

export function messagesOf(res: Response): Messages {
  return messagesFor((res.locals.lang as Lang | undefined) ?? 'lv');
}

/** The signed-in principal of a page behind `requireViewer`. */
export function principalOf(res: Response): Principal {
  const viewer = viewerOf(res);
  if (!viewer) throw new AppError('UNAUTHENTICATED', 'Sign in.');
  return viewer.session.principal;
}

export function requestIdOf(res: Response): string {
  return res.locals.requestId as string;
}

/** Pages name the permission they need, as API routes do; roles.ts decides. */
export function requirePermission(res: Response, permission: Permission): Principal {
  const principal = principalOf(res);
  if (!can(principal.role, permission)) throw new AppError('FORBIDDEN', `The role "${principal.role}" may not do this (${permission}).`);
  return principal;
}

export function canDo(res: Response, permission: Permission): boolean {
  const viewer = viewerOf(res);
  return !!viewer && can(viewer.session.principal.role, permission);
}

/** A form post that changes something: from our own pages, with the session's token. */
export function checkForm(req: Request, res: Response, token: unknown): void {
  const viewer = viewerOf(res);
  if (!viewer) throw new AppError('UNAUTHENTICATED', 'Sign in.');
  requireSameOrigin(req);
  requireCsrf(viewer.session.csrfToken, req.get('x-csrf-token') ?? token);
}

/** Renders a page with the chrome: the viewer, the CSRF token, the language and its words. */
export function sendPage(res: Response, views: Views, name: string, ctx: Omit<PageContext, 'title'> & { title: string | ((m: Messages) => string) }, status = 200): void {
  const m = messagesOf(res);
  const viewer = viewerOf(res);
  const principal = viewer?.session.principal;
  const title = typeof ctx.title === 'function' ? ctx.title(m) : ctx.title;
  res.status(status).type('html').send(
    views.render(name, {
      ...ctx,
      title,
      m,
      lang: m.lang,
      user: viewer,
      csrfToken: viewer?.session.csrfToken,
      nav: principal
        ? {
            newCase: can(principal.role, 'case:create'),
            register: can(principal.role, 'register:read'),
            export: can(principal.role, 'export:create'),
            verify: can(principal.role, 'verify'),
          }
        : undefined,
    }),
  );
}
