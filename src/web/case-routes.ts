import { pipeline } from 'node:stream';
import express, { type Response, type Router } from 'express';
import { addAttachments, downloadAttachment, newCaseUpload, parseCase, readCase, routeCaseFor, type Case, type PreparedCase } from '../cases';
import type { Deps } from '../deps';
import { AppError, isAppError, type ErrorDetail } from '../errors';
import { lettersOfCaseFor } from '../letters';
import { submitReferral } from '../referrals';
import { caseFormView, caseFromForm } from './case-form';
import { fieldOf, readForm, type FormFields } from './form-reader';
import type { Views } from './views';
import { checkForm, messagesOf, requestIdOf, requirePermission, sendPage } from './web-page';
import { requireViewer } from './web-session';

/** Errors a clerk can fix in the form: shown beside the fields, never as an error page. */
const FIXABLE = new Set(['VALIDATION_FAILED', 'GROUND_NOT_ALLOWED', 'PAYLOAD_TOO_LARGE', 'UNSUPPORTED_MEDIA_TYPE']);

/** The new-case form (with its routing preview and work materials) and a case's page. */
export function caseRoutes(deps: Deps, views: Views): Router {
  const router = express.Router();
  const limits = () => ({ fieldBytes: deps.config.limits.jsonBodyBytes, fields: 1000, files: deps.config.limits.uploadFiles });

  const showForm = (res: Response, raw: Record<string, unknown>, extra: {
    problems?: ErrorDetail[]; prepared?: PreparedCase; rows?: { parents?: number; actions?: number }; filesLost?: boolean; status?: number;
  } = {}) => {
    const m = messagesOf(res);
    const form = caseFormView(raw, extra.problems ?? [], m, deps.scheme, extra.rows);
    sendPage(res, views, 'case-new', {
      title: m.caseForm.title, form, problems: form.problems, filesLost: extra.filesLost,
      routing: extra.prepared?.routing, warnings: extra.prepared?.warnings,
    }, extra.status ?? (form.problems.length ? 400 : 200));
  };

  router.get('/cases/new', requireViewer, (_req, res) => {
    requirePermission(res, 'case:create');
    showForm(res, {});
  });

  router.post('/cases/new', requireViewer, async (req, res) => {
    const principal = requirePermission(res, 'case:create');
    const requestId = requestIdOf(res);
    const upload = newCaseUpload(deps, principal);
    let checked: { raw: Record<string, unknown>; op: string; prepared?: PreparedCase; data?: Case } | undefined;
    // Run once the form's fields are in: at the first file, or at the end when no file came.
    const check = async (fields: FormFields) => {
      if (checked) return checked;
      checkForm(req, res, fieldOf(fields, '_csrf'));
      const raw = caseFromForm(fields);
      const op = fieldOf(fields, 'op') ?? 'create';
      checked = { raw, op };
      if (op === 'add-parent' || op === 'add-action') return checked;
      const data = parseCase(deps, raw);
      checked.data = data;
      checked.prepared = await routeCaseFor(deps, principal, data);
      return checked;
    };
    let fields: FormFields | undefined;
    try {
      fields = await readForm(req, limits(), async (f, name, filename, stream) => {
        fields = f;
        const state = await check(f);
        if (name !== 'files' || state.op.startsWith('add-')) {
          stream.resume();
          return;
        }
        await upload.add(filename, stream);
      });
      const state = await check(fields);
      const rows = { parents: Number(fieldOf(fields, 'parentRows')) || 1, actions: Number(fieldOf(fields, 'actionRows')) || 1 };
      // The submit button comes after the file input, so its value is known only now.
      const op = fieldOf(fields, 'op') ?? 'create';
      if (op !== 'create') {
        const hadFiles = upload.count > 0;
        await upload.discard();
        if (op === 'add-parent') rows.parents += 1;
        if (op === 'add-action') rows.actions += 1;
        return showForm(res, state.raw, { rows, prepared: state.prepared, filesLost: hadFiles });
      }
      const referral = await submitReferral(deps, principal, state.data!, upload, { requestId });
      res.redirect(303, `/cases/${referral.case.id}`);
    } catch (err) {
      await upload.discard();
      if (!checked || !isAppError(err) || !FIXABLE.has(err.code)) throw err;
      const problems = err.details?.length ? err.details : [{ path: err.code === 'GROUND_NOT_ALLOWED' ? 'grounds' : 'files', message: err.message }];
      res.locals.errorCode = err.code;
      const rows = fields ? { parents: Number(fieldOf(fields, 'parentRows')) || 1, actions: Number(fieldOf(fields, 'actionRows')) || 1 } : {};
      showForm(res, checked.raw, { problems, rows, filesLost: true, status: err.code === 'PAYLOAD_TOO_LARGE' ? 413 : err.code === 'UNSUPPORTED_MEDIA_TYPE' ? 415 : 400 });
    }
  });

  router.get('/cases/:id', requireViewer, async (req, res) => {
    const principal = requirePermission(res, 'case:read');
    const record = await readCase(deps, principal, req.params.id as string, requestIdOf(res));
    const letters = await lettersOfCaseFor(deps, principal, record.id);
    const m = messagesOf(res);
    sendPage(res, views, 'case', {
      title: `${m.casePage.title}: ${record.data.child.fullName}`, record, letters,
      routing: record.routing, warnings: record.warnings, problems: [],
      canAdd: principal.role !== 'auditor',
    });
  });

  router.post('/cases/:id/materials', requireViewer, async (req, res) => {
    const principal = requirePermission(res, 'case:create');
    const caseId = req.params.id as string;
    let csrfChecked = false;
    const guard = (fields: FormFields) => {
      if (!csrfChecked) checkForm(req, res, fieldOf(fields, '_csrf'));
      csrfChecked = true;
    };
    await addAttachments(deps, principal, caseId, async (upload) => {
      const fields = await readForm(req, { ...limits(), fields: 5 }, async (f, name, filename, stream) => {
        guard(f);
        if (name !== 'files') throw new AppError('VALIDATION_FAILED', `Nezināma daļa “${name}”.`);
        await upload.add(filename, stream);
      });
      guard(fields);
    }, { requestId: requestIdOf(res) });
    res.redirect(303, `/cases/${caseId}#materials`);
  });

  router.get('/cases/:id/materials/:attachmentId', requireViewer, async (req, res) => {
    const principal = requirePermission(res, 'case:read');
    const { attachment, content } = await downloadAttachment(deps, principal, req.params.id as string, req.params.attachmentId as string, requestIdOf(res));
    res.attachment(attachment.filename);
    res.setHeader('Content-Type', attachment.contentType === 'text/plain' ? 'text/plain; charset=utf-8' : attachment.contentType);
    res.setHeader('Content-Length', String(attachment.size));
    pipeline(content, res, (err) => {
      if (err) deps.logger.warn({ err, requestId: requestIdOf(res) }, 'material download ended early');
    });
  });

  return router;
}
