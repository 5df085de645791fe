/** The clerks' server-rendered pages. Only `http/` and `web/` know Express. */
import express, { type ErrorRequestHandler, type Router } from 'express';
import type { Deps } from '../deps';
import { AppError, statusOf } from '../errors';
import { loginRoutes } from './login-routes';
import { Views, publicDir } from './views';
import { loadViewer, viewerOf } from './web-session';

export { Views } from './views';
export { loadViewer, requireViewer, viewerOf, roleLabels, type WebViewer } from './web-session';

const errorTexts: Partial<Record<number, { heading: string; message: string }>> = {
  403: { heading: 'Pieeja liegta', message: 'Šo darbību nevar veikt. Ja forma bija atvērta ilgi, pārlādējiet lapu un mēģiniet vēlreiz.' },
  404: { heading: 'Nav atrasts', message: 'Šāda lapa nav atrasta.' },
  413: { heading: 'Pārāk liels', message: 'Iesniegtie dati ir pārāk lieli.' },
  429: { heading: 'Pārāk daudz pieprasījumu', message: 'Pagaidiet minūti un mēģiniet vēlreiz.' },
};

/** Every web page: static assets, the signed-in viewer, sign-in and sign-out, and the pages. */
export function webRoutes(deps: Deps): Router {
  const views = new Views();
  const router = express.Router();
  router.use('/assets', express.static(publicDir, { index: false, maxAge: '1h', fallthrough: false }));
  router.use((_req, res, next) => {
    // Pages show children's data: no browser or proxy may keep a copy.
    res.setHeader('Cache-Control', 'no-store');
    next();
  });
  router.use(loadViewer(deps));
  router.use(loginRoutes(deps, views));
  router.use(webErrors(deps, views));
  return router;
}

/** Errors on pages answer a page in Latvian, not JSON; the log keeps the details. */
function webErrors(deps: Deps, views: Views): ErrorRequestHandler {
  return (err, _req, res, next) => {
    if (res.headersSent) return next(err);
    const given = (err as { status?: unknown }).status;
    const status = err instanceof AppError ? statusOf(err.code) : typeof given === 'number' && given >= 400 && given < 500 ? given : 500;
    if (err instanceof AppError) res.locals.errorCode = err.code;
    if (status === 500) deps.logger.error({ requestId: res.locals.requestId, err }, 'unexpected error on a page');
    const text = errorTexts[status] ?? { heading: 'Kļūda', message: 'Kaut kas nogāja greizi. Norādiet pieprasījuma numuru, ziņojot par to.' };
    const viewer = viewerOf(res);
    res.status(status).type('html').send(
      views.render('error', {
        title: text.heading, ...text, back: '/', backLabel: 'Uz sākumu',
        user: viewer, csrfToken: viewer?.session.csrfToken,
      }),
    );
  };
}
