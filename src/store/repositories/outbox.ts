import { PostgresAdapter, type ExpressionBuilder } from 'kysely';
import { z } from 'zod';
import type { Db } from '../database';
import type { Database } from '../schema';

/*
 * The outbox lives in the letters table: a queued letter is a row with status `queued` and a
 * `next_attempt_at`; a worker claims due rows by turning them `sending` under a lease
 * (`locked_until`, `lease_owner`) and records the outcome only while it still holds that lease.
 * A worker that dies leaves its lease to expire, and the row is claimed again.
 */

/** The SMTP envelope fixed when the letter was queued, and who already accepted the message. */
export interface OutboxEnvelope {
  from: string;
  to: string[];
  /** Recipients that accepted the message on an earlier attempt; never sent to again. */
  accepted: string[];
}

const envelopeSchema = z.object({ from: z.string(), to: z.array(z.string()), accepted: z.array(z.string()) });

/** A letter as the outbox sees it when asked to send it. */
export interface LetterForOutbox {
  id: string;
  institutionId: string;
  caseId: string;
  status: string;
  registrationNumber: string;
  templateId: string;
  recipient: { key: string; name: string; emails: string[] };
  grounds: string[];
  attachmentIds: string[];
  pdf: { blobKey: string; sha256: string; size: number };
  /** The stored message, once queued. */
  emlKey: string | null;
  emlSha256: string | null;
  /** The letter's title ("Par …"), sealed; null for letters made before titles were kept. */
  title: string | null;
}

const recipientSchema = z.object({ key: z.string(), name: z.string(), emails: z.array(z.string()) });

export async function findLetterForOutbox(db: Db, institutionId: string, letterId: string): Promise<LetterForOutbox | undefined> {
  const row = await db
    .selectFrom('letters')
    .select([
      'id', 'institution_id', 'case_id', 'status', 'registration_number', 'template_id', 'recipient', 'grounds',
      'attachment_ids', 'pdf_key', 'pdf_sha256', 'pdf_size', 'eml_key', 'eml_sha256', 'title',
    ])
    .where('id', '=', letterId)
    .where('institution_id', '=', institutionId)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    id: row.id,
    institutionId: row.institution_id,
    caseId: row.case_id,
    status: row.status,
    registrationNumber: row.registration_number,
    templateId: row.template_id,
    recipient: recipientSchema.parse(JSON.parse(row.recipient)),
    grounds: z.array(z.string()).parse(JSON.parse(row.grounds)),
    attachmentIds: z.array(z.string()).parse(JSON.parse(row.attachment_ids)),
    pdf: { blobKey: row.pdf_key, sha256: row.pdf_sha256, size: row.pdf_size },
    emlKey: row.eml_key,
    emlSha256: row.eml_sha256,
    title: row.title,
  };
}

/**
 * Puts a signed letter in the outbox with its message already built: the Message-ID and the
 * stored bytes are fixed here, before any attempt. False when the letter is no longer `signed`.
 */
export async function enqueueLetter(
  db: Db,
  q: { letterId: string; institutionId: string; messageId: string; emlKey: string; emlSha256: string; envelope: OutboxEnvelope; at: string },
): Promise<boolean> {
  const res = await db
    .updateTable('letters')
    .set({
      status: 'queued',
      queued_at: q.at,
      next_attempt_at: q.at,
      message_id: q.messageId,
      eml_key: q.emlKey,
      eml_sha256: q.emlSha256,
      mail_envelope: JSON.stringify(q.envelope),
      attempts: 0,
      locked_until: null,
      lease_owner: null,
      last_error: null,
      smtp_response: null,
      updated_at: q.at,
    })
    .where('id', '=', q.letterId)
    .where('institution_id', '=', q.institutionId)
    .where('status', '=', 'signed')
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

/**
 * Gives a failed letter a fresh set of attempts with the same message (same bytes, same
 * Message-ID). The last error stays until the next attempt replaces it. False unless `failed`.
 */
export async function requeueFailedLetter(db: Db, q: { letterId: string; institutionId: string; at: string }): Promise<boolean> {
  const res = await db
    .updateTable('letters')
    .set({ status: 'queued', queued_at: q.at, next_attempt_at: q.at, attempts: 0, locked_until: null, lease_owner: null, updated_at: q.at })
    .where('id', '=', q.letterId)
    .where('institution_id', '=', q.institutionId)
    .where('status', '=', 'failed')
    .where('eml_key', 'is not', null)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

/** A letter a worker now holds, with what it needs to send it. */
export interface ClaimedLetter {
  letterId: string;
  institutionId: string;
  registrationNumber: string;
  messageId: string;
  emlKey: string;
  emlSha256: string;
  envelope: OutboxEnvelope;
  /** Counting this one. */
  attempts: number;
}

const due = (now: string) => (eb: ExpressionBuilder<Database, 'letters'>) =>
  eb.or([
    eb.and([eb('status', '=', 'queued'), eb('next_attempt_at', '<=', now)]),
    // A lease that ran out: its worker died or lost the database before recording an outcome.
    eb.and([eb('status', '=', 'sending'), eb('locked_until', '<', now)]),
  ]);

/**
 * Claims up to `limit` due letters for `owner` until `leaseUntil`, counting the attempt. One
 * statement on both dialects: PostgreSQL locks the chosen rows with FOR UPDATE SKIP LOCKED, so
 * concurrent workers take disjoint sets without waiting; SQLite has a single writer, so the
 * UPDATE … WHERE id IN (SELECT …) RETURNING is atomic as it stands.
 */
export async function claimDueLetters(
  db: Db,
  c: { now: string; leaseUntil: string; owner: string; limit: number },
): Promise<ClaimedLetter[]> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  // The choice is a materialized CTE: evaluated once. As a plain `IN (subquery)` PostgreSQL may
  // rescan it per row, and a rescan skips the rows this statement already locked and picks others
  // — a LIMIT 1 claim then takes two letters.
  const rows = await db
    .with(
      (cte) => cte('picked').materialized(),
      (qb) => {
        const pick = qb.selectFrom('letters').select('id').where(due(c.now)).orderBy('next_attempt_at').limit(c.limit);
        return postgres ? pick.forUpdate().skipLocked() : pick;
      },
    )
    .updateTable('letters')
    .set((eb) => ({ status: 'sending', locked_until: c.leaseUntil, lease_owner: c.owner, attempts: eb('attempts', '+', 1) }))
    .where('id', 'in', (eb) => eb.selectFrom('picked').select('picked.id'))
    .where(due(c.now))
    .returning(['id', 'institution_id', 'registration_number', 'message_id', 'eml_key', 'eml_sha256', 'mail_envelope', 'attempts'])
    .execute();
  return rows.map((r) => ({
    letterId: r.id,
    institutionId: r.institution_id,
    registrationNumber: r.registration_number,
    messageId: r.message_id ?? '',
    emlKey: r.eml_key ?? '',
    emlSha256: r.eml_sha256 ?? '',
    envelope: envelopeSchema.parse(JSON.parse(r.mail_envelope ?? 'null')),
    attempts: r.attempts,
  }));
}

/** Extends every lease `owner` holds; a live worker calls it well before its leases run out. */
export async function renewLeases(db: Db, owner: string, leaseUntil: string): Promise<number> {
  const res = await db
    .updateTable('letters')
    .set({ locked_until: leaseUntil })
    .where('status', '=', 'sending')
    .where('lease_owner', '=', owner)
    .executeTakeFirst();
  return Number(res.numUpdatedRows);
}

interface Outcome {
  letterId: string;
  owner: string;
  at: string;
  envelope: OutboxEnvelope;
  response: string | null;
}

/** Delivered. False when `owner` no longer holds the lease (then nothing is written). */
export async function recordDelivered(db: Db, o: Outcome & { transport: string; note: string | null }): Promise<boolean> {
  return finish(db, o, {
    status: 'sent',
    sent_at: o.at,
    transport: o.transport,
    smtp_response: o.response,
    last_error: o.note,
    next_attempt_at: null,
  });
}

/** A temporary failure: back to `queued` until `nextAttemptAt`. */
export async function recordRetry(db: Db, o: Outcome & { error: string; nextAttemptAt: string; transport: string }): Promise<boolean> {
  return finish(db, o, {
    status: 'queued',
    next_attempt_at: o.nextAttemptAt,
    transport: o.transport,
    last_error: o.error,
    smtp_response: o.response,
  });
}

/** Failed for good (a permanent refusal, or the attempts used up). */
export async function recordFailed(db: Db, o: Outcome & { error: string; transport: string }): Promise<boolean> {
  return finish(db, o, {
    status: 'failed',
    next_attempt_at: null,
    transport: o.transport,
    last_error: o.error,
    smtp_response: o.response,
  });
}

async function finish(
  db: Db,
  o: Outcome,
  set: { status: string; next_attempt_at: string | null; transport: string; last_error: string | null; smtp_response: string | null; sent_at?: string },
): Promise<boolean> {
  const res = await db
    .updateTable('letters')
    .set({ ...set, mail_envelope: JSON.stringify(o.envelope), locked_until: null, lease_owner: null, updated_at: o.at })
    .where('id', '=', o.letterId)
    .where('status', '=', 'sending')
    .where('lease_owner', '=', o.owner)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

/** How many letters wait in the outbox, are being sent, and have failed (for metrics). */
export async function outboxCounts(db: Db): Promise<{ queued: number; sending: number; failed: number }> {
  const rows = await db
    .selectFrom('letters')
    .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
    .where('status', 'in', ['queued', 'sending', 'failed'])
    .groupBy('status')
    .execute();
  const n = (s: string) => Number(rows.find((r) => r.status === s)?.n ?? 0);
  return { queued: n('queued'), sending: n('sending'), failed: n('failed') };
}
