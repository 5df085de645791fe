import crypto from 'node:crypto';
import express, { type Router } from 'express';
import type { Deps } from '../deps';
import { AppError, isAppError } from '../errors';
import { fieldOf, readOneFile } from './form-reader';
import type { Lang } from './messages';
import { plainReport } from './verify-report';
import type { Views } from './views';
import { checkForm, messagesOf, requestIdOf, requirePermission, sendPage } from './web-page';
import { requireViewer } from './web-session';

/** Verify any signed PDF: upload it, read the report in plain words. */
export function verifyRoutes(deps: Deps, views: Views): Router {
  const router = express.Router();

  router.get('/verify', requireViewer, (_req, res) => {
    requirePermission(res, 'verify');
    const m = messagesOf(res);
    sendPage(res, views, 'verify', { title: m.verify.title });
  });

  router.post('/verify', requireViewer, async (req, res) => {
    const principal = requirePermission(res, 'verify');
    const m = messagesOf(res);
    let pdf: Buffer | undefined;
    try {
      pdf = await readOneFile(req, 'file', deps.config.limits.uploadFileBytes, (f) => checkForm(req, res, fieldOf(f, '_csrf')));
      if (!pdf) throw new AppError('VALIDATION_FAILED', m.verify.noFile);
    } catch (err) {
      if (!isAppError(err) || !['VALIDATION_FAILED', 'PAYLOAD_TOO_LARGE'].includes(err.code)) throw err;
      res.locals.errorCode = err.code;
      return sendPage(res, views, 'verify', { title: m.verify.title, error: err.message }, err.code === 'PAYLOAD_TOO_LARGE' ? 413 : 400);
    }
    const report = await deps.signing.verifyPdf(pdf);
    await deps.audit.record({
      action: 'pdf.verified', actor: principal, institutionId: principal.institutionId, requestId: requestIdOf(res),
      details: { sha256: crypto.createHash('sha256').update(pdf).digest('hex'), valid: report.valid, signatures: report.signatures.length },
    });
    sendPage(res, views, 'verify-report', { title: m.verify.title, report: plainReport(report, m.lang as Lang) });
  });

  return router;
}
