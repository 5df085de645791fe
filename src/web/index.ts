/** The clerks' server-rendered pages. Only `http/` and `web/` know Express. */
import express, { type ErrorRequestHandler, type Router } from 'express';
import type { Deps } from '../deps';
import { AppError, statusOf, type ErrorCode } from '../errors';
import { caseRoutes } from './case-routes';
import { exportRoutes } from './export-routes';
import { letterRoutes } from './letter-routes';
import { loginRoutes } from './login-routes';
import { registerRoutes } from './register-routes';
import { verifyRoutes } from './verify-routes';
import { Views, publicDir } from './views';
import { chooseLanguage, sendPage } from './web-page';
import { loadViewer } from './web-session';

export { Views } from './views';
export { loadViewer, requireViewer, viewerOf, roleLabels, type WebViewer } from './web-session';

type ErrorText = { heading: string; message: string };
const errorTexts: Record<'lv' | 'en', Partial<Record<number | ErrorCode, ErrorText>> & { other: ErrorText }> = {
  lv: {
    403: { heading: 'Pieeja liegta', message: 'Šo darbību nevar veikt. Ja forma bija atvērta ilgi, pārlādējiet lapu un mēģiniet vēlreiz.' },
    404: { heading: 'Nav atrasts', message: 'Šāda lapa nav atrasta.' },
    409: { heading: 'Nevar izdarīt', message: 'Šajā stāvoklī to nevar izdarīt. Pārlādējiet lapu, lai redzētu pašreizējo stāvokli.' },
    413: { heading: 'Pārāk liels', message: 'Iesniegtie dati ir pārāk lieli.' },
    429: { heading: 'Pārāk daudz pieprasījumu', message: 'Pagaidiet minūti un mēģiniet vēlreiz.' },
    503: { heading: 'Pakalpojums nav pieejams', message: 'Kāds ārējs pakalpojums (piemēram, laika zīmogs) neatbild. Nekas netika mainīts; mēģiniet vēlreiz vēlāk.' },
    other: { heading: 'Kļūda', message: 'Kaut kas nogāja greizi. Norādiet pieprasījuma numuru, ziņojot par to.' },
    SAME_PERSON: { heading: 'Jāparaksta citam', message: 'Šo vēstuli sagatavojāt jūs; iestāde prasa, lai to parakstītu cits cilvēks.' },
  },
  en: {
    403: { heading: 'Access denied', message: 'This cannot be done. If the form was open for long, reload the page and try again.' },
    404: { heading: 'Not found', message: 'There is no such page.' },
    409: { heading: 'Cannot do that', message: 'This cannot be done in the current state. Reload the page to see it.' },
    413: { heading: 'Too large', message: 'What was sent is too large.' },
    429: { heading: 'Too many requests', message: 'Wait a minute and try again.' },
    503: { heading: 'Service unavailable', message: 'An outside service (such as the time-stamp authority) does not answer. Nothing was changed; try again later.' },
    other: { heading: 'Error', message: 'Something went wrong. Quote the request number when reporting it.' },
    SAME_PERSON: { heading: 'Another person must sign', message: 'You prepared this letter; your institution requires another person to sign it.' },
  },
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
  router.use(chooseLanguage(deps.config));
  router.use(loadViewer(deps));
  router.use(loginRoutes(deps, views));
  router.use(registerRoutes(deps, views));
  router.use(caseRoutes(deps, views));
  router.use(letterRoutes(deps, views));
  router.use(exportRoutes(deps, views));
  router.use(verifyRoutes(deps, views));
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
    const lang = res.locals.lang === 'en' ? 'en' : 'lv';
    const byCode = err instanceof AppError ? errorTexts[lang][err.code] : undefined;
    const text = byCode ?? errorTexts[lang][status] ?? errorTexts[lang].other;
    sendPage(res, views, 'error', { title: text.heading, ...text, requestId: status >= 500 ? res.locals.requestId : undefined }, status);
  };
}
