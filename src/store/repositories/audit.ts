import type { Transaction } from 'kysely';
import { entryHash, GENESIS_HASH, type AuditEntry, type ChainedAuditEntry } from '../../audit/chain';
import type { Db } from '../database';
import type { AuditRow, Database } from '../schema';

export type NewAuditEntry = Omit<AuditEntry, 'n'>;

/**
 * Appends to the institution's chain. Runs in the caller's transaction when given one, so the
 * entry commits or rolls back with the action it records. The head row's update takes a row
 * lock, which orders concurrent appends from any number of processes.
 */
export async function appendAudit(db: Db, entry: NewAuditEntry): Promise<ChainedAuditEntry> {
  if (db.isTransaction) return append(db as Transaction<Database>, entry);
  return db.transaction().execute((trx) => append(trx, entry));
}

async function append(trx: Transaction<Database>, entry: NewAuditEntry): Promise<ChainedAuditEntry> {
  await trx
    .insertInto('audit_heads')
    .values({ institution_id: entry.institutionId, n: 0, hash: GENESIS_HASH })
    .onConflict((oc) => oc.column('institution_id').doNothing())
    .execute();
  const head = await trx
    .updateTable('audit_heads')
    .set((eb) => ({ n: eb('n', '+', 1) }))
    .where('institution_id', '=', entry.institutionId)
    .returning(['n', 'hash'])
    .executeTakeFirstOrThrow();
  const full: AuditEntry = { ...entry, n: head.n };
  const hash = entryHash(head.hash, full);
  await trx.updateTable('audit_heads').set({ hash }).where('institution_id', '=', entry.institutionId).execute();
  await trx
    .insertInto('audit_log')
    .values({
      institution_id: full.institutionId,
      n: full.n,
      at: full.at,
      actor: full.actor,
      action: full.action,
      object_type: full.objectType,
      object_id: full.objectId,
      request_id: full.requestId,
      details: JSON.stringify(full.details),
      prev_hash: head.hash,
      hash,
    })
    .execute();
  return { ...full, prevHash: head.hash, hash };
}

/** The chain of one institution in order (up to entry `upToN` when given), read in pages so memory stays flat. */
export async function* readAuditChain(db: Db, institutionId: string, pageSize = 1000, upToN?: number): AsyncGenerator<ChainedAuditEntry> {
  let after = 0;
  for (;;) {
    let q = db
      .selectFrom('audit_log')
      .selectAll()
      .where('institution_id', '=', institutionId)
      .where('n', '>', after);
    if (upToN !== undefined) q = q.where('n', '<=', upToN);
    const rows = await q
      .orderBy('n')
      .limit(pageSize)
      .execute();
    for (const row of rows) yield toEntry(row);
    if (rows.length < pageSize) return;
    after = rows[rows.length - 1]!.n;
  }
}

export async function auditHeads(db: Db): Promise<{ institutionId: string; n: number; hash: string }[]> {
  const rows = await db.selectFrom('audit_heads').selectAll().orderBy('institution_id').execute();
  return rows.map((r) => ({ institutionId: r.institution_id, n: r.n, hash: r.hash }));
}

/** Institutions that have a chain: from the heads and from the log, so a deleted head shows too. */
export async function auditedInstitutions(db: Db): Promise<string[]> {
  const a = await db.selectFrom('audit_heads').select('institution_id').execute();
  const b = await db.selectFrom('audit_log').select('institution_id').distinct().execute();
  return [...new Set([...a, ...b].map((r) => r.institution_id))].sort();
}

export async function auditEntriesFor(db: Db, institutionId: string, objectType: string, objectId: string): Promise<ChainedAuditEntry[]> {
  const rows = await db
    .selectFrom('audit_log')
    .selectAll()
    .where('institution_id', '=', institutionId)
    .where('object_type', '=', objectType)
    .where('object_id', '=', objectId)
    .orderBy('n')
    .execute();
  return rows.map(toEntry);
}

function toEntry(row: AuditRow): ChainedAuditEntry {
  return {
    institutionId: row.institution_id,
    n: row.n,
    at: row.at,
    actor: row.actor,
    action: row.action,
    objectType: row.object_type,
    objectId: row.object_id,
    requestId: row.request_id,
    details: JSON.parse(row.details) as AuditEntry['details'],
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

/** An RFC 3161 time-stamp over a chain head, kept so rewriting history would need the TSA's key too. */
export interface AuditAnchor {
  id: string;
  institutionId: string;
  /** The head it covers: entry `n`, whose hash is `headHash`. */
  n: number;
  headHash: string;
  /** DER of the TimeStampToken, base64. */
  token: string;
  genTime: string;
  tsa: string;
  createdAt: string;
}

export async function insertAuditAnchor(db: Db, a: AuditAnchor): Promise<void> {
  await db
    .insertInto('audit_anchors')
    .values({
      id: a.id,
      institution_id: a.institutionId,
      n: a.n,
      head_hash: a.headHash,
      token: a.token,
      gen_time: a.genTime,
      tsa: a.tsa,
      created_at: a.createdAt,
    })
    .execute();
}

/** The institution's anchors in chain order, up to entry `upToN` when given. */
export async function listAuditAnchors(db: Db, institutionId: string, upToN?: number): Promise<AuditAnchor[]> {
  let q = db.selectFrom('audit_anchors').selectAll().where('institution_id', '=', institutionId);
  if (upToN !== undefined) q = q.where('n', '<=', upToN);
  const rows = await q.orderBy('n').orderBy('created_at').execute();
  return rows.map((r) => ({
    id: r.id,
    institutionId: r.institution_id,
    n: r.n,
    headHash: r.head_hash,
    token: r.token,
    genTime: r.gen_time,
    tsa: r.tsa,
    createdAt: r.created_at,
  }));
}

/** The highest entry any anchor covers (0 when none). */
export async function lastAnchoredN(db: Db, institutionId: string): Promise<number> {
  const row = await db
    .selectFrom('audit_anchors')
    .select((eb) => eb.fn.max<number | null>('n').as('n'))
    .where('institution_id', '=', institutionId)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

/**
 * Institutions whose chain has entries after its last anchor, other than the record of that
 * anchoring itself — anchoring an idle chain again and again would only anchor its own records.
 */
export async function institutionsWithUnanchoredEntries(db: Db, anchoredAction: string): Promise<string[]> {
  const rows = await db
    .selectFrom('audit_log as l')
    .select('l.institution_id')
    .distinct()
    .where('l.action', '!=', anchoredAction)
    .where((eb) =>
      eb(
        'l.n',
        '>',
        eb.fn.coalesce(
          eb.selectFrom('audit_anchors as a').select((e) => e.fn.max<number>('a.n').as('m')).whereRef('a.institution_id', '=', 'l.institution_id'),
          eb.val(0),
        ),
      ),
    )
    .execute();
  return rows.map((r) => r.institution_id).sort();
}

/** The entries about any of these objects, of this institution only, in chain order. */
export async function auditEntriesAbout(db: Db, institutionId: string, objects: ReadonlyArray<{ type: string; id: string }>): Promise<ChainedAuditEntry[]> {
  if (!objects.length) return [];
  // The institution is checked on the rows, not in SQL: with it there, SQLite's planner scans the
  // institution's whole chain by primary key instead of looking the objects up in their index.
  const rows = await db
    .selectFrom('audit_log')
    .selectAll()
    .where((eb) => eb.or(objects.map((o) => eb.and([eb('object_type', '=', o.type), eb('object_id', '=', o.id)]))))
    .execute();
  return rows
    .filter((r) => r.institution_id === institutionId)
    .sort((a, b) => a.n - b.n)
    .map(toEntry);
}
