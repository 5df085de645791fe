import express, { type Router } from 'express';
import { z } from 'zod';
import { childNameHasher, latvianInput } from '../cases';
import type { Deps } from '../deps';
import { isAppError, type ErrorDetail } from '../errors';
import { letterFilterSchema, readRegister, type RegisterContext } from '../export';
import { letterStatuses } from '../letters';
import { parseInput } from '../validate';
import { inputId } from './case-form';
import type { Views } from './views';
import { canDo, messagesOf, requirePermission, sendPage } from './web-page';
import { requireViewer } from './web-session';

const searchSchema = letterFilterSchema.extend({
  registrationNumber: z.string().trim().min(1).max(64).optional(),
  childName: z.string().trim().min(2).max(200).optional(),
  cursor: z.string().max(400).optional(),
});

const HOME_ROWS = 5;

/** The start page (the institution's letters by status) and the register with its search. */
export function registerRoutes(deps: Deps, views: Views): Router {
  const router = express.Router();
  const ctx: RegisterContext = { db: deps.db, sealer: deps.sealer, childNameHash: childNameHasher(deps.config.dataKey) };

  router.get('/', requireViewer, async (_req, res) => {
    const m = messagesOf(res);
    const groups = canDo(res, 'register:read')
      ? await Promise.all(letterStatuses.map(async (status) => {
          const page = await readRegister(ctx, requirePermission(res, 'register:read'), { status: [status], limit: HOME_ROWS });
          return { status, label: m.status[status], items: page.items, more: page.nextCursor !== null };
        }))
      : [];
    sendPage(res, views, 'home', { title: m.home.title, groups, canCreate: canDo(res, 'case:create') });
  });

  router.get('/register', requireViewer, async (req, res) => {
    const principal = requirePermission(res, 'register:read');
    const m = messagesOf(res);
    const personal = canDo(res, 'register:personal');
    const given: Record<string, string> = {};
    for (const key of ['status', 'recipient', 'from', 'to', 'registrationNumber', 'childName', 'cursor']) {
      const v = req.query[key];
      if (typeof v === 'string' && v.trim() && (key !== 'childName' || personal)) given[key] = v;
    }
    let problems: ErrorDetail[] = [];
    let page: Awaited<ReturnType<typeof readRegister>> = { items: [], nextCursor: null };
    try {
      const q = parseInput(searchSchema, given, 'Meklēšana', latvianInput); // "the search"
      page = await readRegister(ctx, principal, { ...q, limit: 50 });
    } catch (err) {
      if (!isAppError(err, 'VALIDATION_FAILED')) throw err;
      problems = err.details ?? [{ path: 'cursor', message: err.message }];
    }
    const errorOf = (name: string) => problems.find((p) => p.path === name || p.path.startsWith(`${name}[`))?.message;
    const input = (name: string, label: string, kind = 'text') => ({
      name, id: inputId(name), label, kind, value: given[name] ?? '', error: errorOf(name), errorId: `${inputId(name)}-error`, required: false,
    });
    const nextQuery = page.nextCursor ? new URLSearchParams({ ...given, cursor: page.nextCursor }).toString() : undefined;
    sendPage(res, views, 'register', {
      title: m.register.title,
      statuses: letterStatuses.map((s) => ({ value: s, label: m.status[s], selected: given.status === s })),
      recipients: [...deps.scheme.recipients.values()].map((r) => ({ value: r.key, label: r.name, selected: given.recipient === r.key })),
      statusError: errorOf('status'), recipientError: errorOf('recipient'),
      inputs: [
        input('from', m.register.from, 'date'), input('to', m.register.to, 'date'), input('registrationNumber', m.register.number),
        ...(personal ? [input('childName', m.register.childName, 'search')] : []),
      ],
      items: page.items,
      nextQuery,
    }, problems.length ? 400 : 200);
  });

  return router;
}
