import { pipeline, type Readable } from 'node:stream';
import express, { type Response, type Router } from 'express';
import type { Deps } from '../deps';
import { AppError, isAppError, statusOf, type ErrorDetail } from '../errors';
import { letterHistory } from '../export';
import { acceptSignedLetter, cancelLetter, getLetter, openLetterPdf, signLetter } from '../letters';
import { openSentMessage, sendLetter } from '../mail';
import { listUsers } from '../store';
import { fieldOf, readOneFile } from './form-reader';
import type { Lang } from './messages';
import { plainReport } from './verify-report';
import type { Views } from './views';
import { canDo, checkForm, messagesOf, requestIdOf, requirePermission, sendPage } from './web-page';
import { requireViewer } from './web-session';

/** Readable names of the audit actions a letter's history shows; others are shown by code. */
const actionLabels: Record<Lang, Record<string, string>> = {
  lv: {
    'case.created': 'Lieta izveidota', 'case.read': 'Lieta skatīta', 'attachment.uploaded': 'Pievienots materiāls',
    'attachment.downloaded': 'Materiāls lejupielādēts', 'letter.rendered': 'Vēstule sagatavota', 'letter.pdf_viewed': 'PDF skatīts',
    'letter.signed': 'Vēstule parakstīta', 'letter.queued': 'Nodota nosūtīšanai', 'letter.sent': 'Vēstule nosūtīta',
    'letter.failed': 'Nosūtīšana neizdevās', 'letter.message_viewed': 'Nosūtītā ziņa skatīta', 'letter.cancelled': 'Vēstule atcelta', 'letter.retry': 'Nosūtīšana tiks atkārtota',
  },
  en: {
    'case.created': 'Case created', 'case.read': 'Case viewed', 'attachment.uploaded': 'Material added',
    'attachment.downloaded': 'Material downloaded', 'letter.rendered': 'Letter prepared', 'letter.pdf_viewed': 'PDF viewed',
    'letter.signed': 'Letter signed', 'letter.queued': 'Handed over for sending', 'letter.sent': 'Letter sent',
    'letter.failed': 'Sending failed', 'letter.message_viewed': 'Sent message viewed', 'letter.cancelled': 'Letter cancelled', 'letter.retry': 'Sending will be retried',
  },
};

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** A letter's page (PDF preview, history, what was sent), its PDF, and its signature's report. */
export function letterRoutes(deps: Deps, views: Views): Router {
  const router = express.Router();

  const showLetter = async (res: Response, id: string, extra: { cancelError?: string; reason?: string } = {}) => {
    const principal = requirePermission(res, 'letter:read');
    const letter = await getLetter(deps, principal, id);
    const history = (await letterHistory(deps.db, principal.institutionId, letter.id)) ?? [];
    const m = messagesOf(res);
    const labels = actionLabels[m.lang as Lang];
    // The log keeps ids; people read names.
    const people = new Map((await listUsers(deps.db, principal.institutionId)).map((u) => [`user:${u.id}`, u.displayName ?? u.email]));
    sendPage(res, views, 'letter', {
      title: `${m.letter.title} ${letter.registrationNumber}`,
      letter,
      history: history.map((e) => ({ ...e, label: labels[e.action] ?? e.action, who: people.get(e.actor) ?? e.actor })),
      canSign: letter.status === 'draft' && canDo(res, 'letter:sign'),
      canSend: (letter.status === 'signed' || letter.status === 'failed') && canDo(res, 'letter:send'),
      canCancel: ['draft', 'signed', 'failed'].includes(letter.status) && canDo(res, 'letter:cancel'),
      signed: !!letter.signedAt,
      live: letter.status === 'signed' || letter.status === 'queued',
      ...extra,
    }, extra.cancelError ? 400 : 200);
  };

  router.get('/letters/:id', requireViewer, (req, res) => showLetter(res, req.params.id as string));

  router.get('/letters/:id/pdf', requireViewer, async (req, res) => {
    const principal = requirePermission(res, 'letter:read');
    const pdf = await openLetterPdf(deps, principal, req.params.id as string, { requestId: requestIdOf(res) });
    res.setHeader('Content-Type', 'application/pdf');
    res.setHeader('Content-Length', String(pdf.size));
    res.setHeader('Content-Disposition', `inline; filename="${pdf.registrationNumber.replace(/[^A-Za-z0-9.-]+/g, '_')}.pdf"`);
    pipeline(pdf.stream, res, (err) => {
      if (err) deps.logger.warn({ err, requestId: requestIdOf(res) }, 'letter PDF ended early');
    });
  });

  router.get('/letters/:id/message', requireViewer, async (req, res) => {
    const principal = requirePermission(res, 'letter:read');
    const message = await openSentMessage(deps, principal, req.params.id as string, { requestId: requestIdOf(res) });
    res.setHeader('Content-Type', 'message/rfc822');
    res.setHeader('Content-Disposition', `attachment; filename="${message.registrationNumber.replace(/[^A-Za-z0-9.-]+/g, '_')}.eml"`);
    pipeline(message.stream, res, (err) => {
      if (err) deps.logger.warn({ err, requestId: requestIdOf(res) }, 'message download ended early');
    });
  });

  router.get('/letters/:id/verification', requireViewer, async (req, res) => {
    const principal = requirePermission(res, 'letter:read');
    const letter = await getLetter(deps, principal, req.params.id as string);
    if (!letter.signedAt) throw new AppError('WRONG_STATE', 'The letter is not signed yet.');
    const pdf = await openLetterPdf(deps, principal, letter.id, { requestId: requestIdOf(res) });
    const report = await deps.signing.verifyPdf(await readAll(pdf.stream));
    const m = messagesOf(res);
    sendPage(res, views, 'verify-report', { title: `${m.verify.title}: ${letter.registrationNumber}`, letter, report: plainReport(report, m.lang as Lang) });
  });

  const showSign = async (res: Response, id: string, extra: { uploadError?: string; uploadProblems?: ErrorDetail[] } = {}, status = 200) => {
    const principal = requirePermission(res, 'letter:sign');
    const letter = await getLetter(deps, principal, id);
    const m = messagesOf(res);
    const identity = letter.status === 'draft' ? await deps.signing.ready() : undefined;
    sendPage(res, views, 'sign', {
      title: `${m.sign.title} ${letter.registrationNumber}`,
      letter, identity, draft: letter.status === 'draft',
      grounds: letter.grounds.map((g) => deps.scheme.grounds.get(g)?.label ?? g),
      ...extra,
    }, status);
  };

  router.get('/letters/:id/sign', requireViewer, (req, res) => showSign(res, req.params.id as string));

  // A draft signed elsewhere (eParaksts, a card reader): accepted only as this draft, validly signed and time-stamped.
  router.post('/letters/:id/signed-pdf', requireViewer, async (req, res) => {
    const principal = requirePermission(res, 'letter:sign');
    const id = req.params.id as string;
    try {
      const pdf = await readOneFile(req, 'file', deps.config.limits.uploadFileBytes, (f) => checkForm(req, res, fieldOf(f, '_csrf')));
      if (!pdf) throw new AppError('VALIDATION_FAILED', messagesOf(res).verify.noFile);
      await acceptSignedLetter(deps, principal, id, pdf, { requestId: requestIdOf(res) });
    } catch (err) {
      if (!isAppError(err) || !['VALIDATION_FAILED', 'PAYLOAD_TOO_LARGE', 'UNPROCESSABLE'].includes(err.code)) throw err;
      res.locals.errorCode = err.code;
      return showSign(res, id, { uploadError: err.message, uploadProblems: err.details ?? [] }, statusOf(err.code));
    }
    res.redirect(303, `/letters/${id}`);
  });

  const form = express.urlencoded({ extended: false, limit: '4kb', parameterLimit: 5 });

  router.post('/letters/:id/sign', requireViewer, form, async (req, res) => {
    const principal = requirePermission(res, 'letter:sign');
    const body = req.body as { _csrf?: unknown; pdfSha256?: unknown };
    checkForm(req, res, body._csrf);
    const letter = await getLetter(deps, principal, req.params.id as string);
    // The signer confirmed these bytes; anything else is not what they agreed to sign.
    if (body.pdfSha256 !== letter.pdf.sha256) throw new AppError('WRONG_STATE', 'The letter changed after the confirmation page was shown.');
    await signLetter(deps, principal, letter.id, { requestId: requestIdOf(res) });
    res.redirect(303, `/letters/${letter.id}`);
  });

  router.post('/letters/:id/cancel', requireViewer, form, async (req, res) => {
    const principal = requirePermission(res, 'letter:cancel');
    const body = req.body as { _csrf?: unknown; reason?: unknown };
    checkForm(req, res, body._csrf);
    const reason = typeof body.reason === 'string' ? body.reason.trim() : '';
    if (reason.length < 3 || reason.length > 500) {
      res.locals.errorCode = 'VALIDATION_FAILED';
      return showLetter(res, req.params.id as string, { cancelError: messagesOf(res).letter.cancelReasonError, reason });
    }
    const letter = await cancelLetter(deps, principal, req.params.id as string, reason, { requestId: requestIdOf(res) });
    res.redirect(303, `/letters/${letter.id}`);
  });

  router.post('/letters/:id/send', requireViewer, form, async (req, res) => {
    const principal = requirePermission(res, 'letter:send');
    checkForm(req, res, (req.body as { _csrf?: unknown })._csrf);
    const letter = await sendLetter(deps, principal, req.params.id as string, { requestId: requestIdOf(res) });
    res.redirect(303, `/letters/${letter.id}`);
  });

  return router;
}
