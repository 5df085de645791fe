import { can, type Principal } from '../access';
import { AppError } from '../errors';
import { letterViews, type LetterView } from '../letters';
import { listRegisterPage, type DataSealer, type Db, type RegisterFilter, type RegisterPosition } from '../store';
import { createdRange } from './date-range';

/** What the register is searched by (the query of `GET /letters`, parsed). */
export interface RegisterQuery {
  status?: string[] | undefined;
  recipient?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  registrationNumber?: string | undefined;
  childName?: string | undefined;
  limit: number;
  cursor?: string | undefined;
}

export interface RegisterPage {
  items: LetterView[];
  /** Pass as `cursor` for the next (older) page; null on the last page. */
  nextCursor: string | null;
}

export interface RegisterContext {
  db: Db;
  sealer: DataSealer;
  /** Keyed hash of a child's name as the cases domain stores it in `cases.child_name_hash`. */
  childNameHash(name: string): string;
}

/**
 * The institution's register of letters, newest first. Only roles allowed personal data may
 * search by the child's name; the name itself is never stored or compared, only its keyed hash.
 */
export async function readRegister(ctx: RegisterContext, principal: Principal, q: RegisterQuery): Promise<RegisterPage> {
  if (q.childName !== undefined && !can(principal.role, 'register:personal')) {
    throw new AppError('FORBIDDEN', `The role "${principal.role}" may not search by the child's name (register:personal).`);
  }
  const filter: RegisterFilter = {
    ...registerFilterOf(principal.institutionId, q),
    ...(q.childName !== undefined ? { childNameHash: ctx.childNameHash(q.childName) } : {}),
  };
  const rows = await listRegisterPage(ctx.db, filter, q.limit + 1, q.cursor ? decodeCursor(q.cursor) : undefined);
  const page = rows.slice(0, q.limit);
  const last = page[page.length - 1];
  return {
    items: await letterViews(ctx, principal.institutionId, page),
    nextCursor: rows.length > q.limit && last ? encodeCursor({ createdAt: last.created_at, id: last.id }) : null,
  };
}

/** The filters the register and the export share. */
export function registerFilterOf(
  institutionId: string,
  q: { status?: string[] | undefined; recipient?: string | undefined; from?: string | undefined; to?: string | undefined; registrationNumber?: string | undefined },
): RegisterFilter {
  return {
    institutionId,
    statuses: q.status,
    recipientKey: q.recipient,
    registrationNumber: q.registrationNumber,
    ...createdRange(q.from, q.to),
  };
}

/** Opaque to callers: a position in the register, not a page number, so pages never shift. */
export function encodeCursor(p: RegisterPosition): string {
  return Buffer.from(JSON.stringify([p.createdAt, p.id]), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): RegisterPosition {
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(v) && v.length === 2 && typeof v[0] === 'string' && typeof v[1] === 'string') return { createdAt: v[0], id: v[1] };
  } catch {
    // answered below
  }
  throw new AppError('VALIDATION_FAILED', 'The query is not valid: 1 problem.', [
    { path: 'cursor', message: 'is not a cursor this service gave out; pass nextCursor from the previous page as it is' },
  ]);
}
