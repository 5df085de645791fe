import express, { type Response, type Router } from 'express';
import { z } from 'zod';
import { latvianInput } from '../cases';
import type { Deps } from '../deps';
import { isAppError, type ErrorDetail } from '../errors';
import { letterFilterSchema, prepareExport } from '../export';
import { letterStatuses } from '../letters';
import { parseInput } from '../validate';
import { inputId } from './case-form';
import type { Views } from './views';
import { messagesOf, requestIdOf, requirePermission, sendPage } from './web-page';
import { requireViewer } from './web-session';

const exportForm = letterFilterSchema.pick({ from: true, to: true }).extend({
  letters: z.enum(['sent', 'all']).default('sent'),
  exportId: z.uuid().optional(),
});

/** The export page: choose a period, follow the progress (scripts), download the ZIP. */
export function exportRoutes(deps: Deps, views: Views): Router {
  const router = express.Router();

  const showPage = (res: Response, given: Record<string, string>, problems: ErrorDetail[] = []) => {
    const m = messagesOf(res);
    const errorOf = (name: string) => problems.find((p) => p.path === name)?.message;
    const input = (name: string, label: string) => ({
      name, id: inputId(name), label, kind: 'date', value: given[name] ?? '', error: errorOf(name), errorId: `${inputId(name)}-error`, required: false,
    });
    sendPage(res, views, 'export', {
      title: m.exportPage.title,
      inputs: [input('from', m.exportPage.from), input('to', m.exportPage.to)],
      all: given.letters === 'all',
      problems,
    }, problems.length ? 400 : 200);
  };

  router.get('/export', requireViewer, (_req, res) => {
    requirePermission(res, 'export:create');
    showPage(res, {});
  });

  router.get('/export/download', requireViewer, async (req, res) => {
    const principal = requirePermission(res, 'export:create');
    const given: Record<string, string> = {};
    for (const key of ['from', 'to', 'letters', 'exportId']) {
      const v = req.query[key];
      if (typeof v === 'string' && v.trim()) given[key] = v;
    }
    let q: z.output<typeof exportForm>;
    try {
      q = parseInput(exportForm, given, 'Eksports', latvianInput);
    } catch (err) {
      if (!isAppError(err, 'VALIDATION_FAILED')) throw err;
      return showPage(res, given, err.details ?? []);
    }
    const prepared = await prepareExport(deps, {
      institutionId: principal.institutionId,
      filters: { from: q.from, to: q.to, status: q.letters === 'all' ? [...letterStatuses] : undefined },
      by: principal,
      requestId: requestIdOf(res),
      exportId: q.exportId,
    });
    res.status(200).set({
      'Content-Type': 'application/zip',
      'Content-Disposition': `attachment; filename="${prepared.filename}"`,
      'X-Export-Id': prepared.id,
    });
    try {
      await prepared.writeTo(res);
    } catch (err) {
      // The headers are out: cutting the connection is the only way left to say "incomplete".
      deps.logger.warn({ requestId: requestIdOf(res), exportId: prepared.id, err: err instanceof Error ? err.message : String(err) }, 'export stopped before its end');
      res.destroy();
    }
  });

  return router;
}
