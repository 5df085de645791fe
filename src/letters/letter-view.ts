import { attachmentsByIds, type AttachmentRow, type DataSealer, type Db, type LetterRow } from '../store';

export const letterStatuses = ['draft', 'signed', 'queued', 'sent', 'failed', 'cancelled'] as const;
export type LetterStatus = (typeof letterStatuses)[number];

/** The CONTRACT `letter` object. */
export interface LetterView {
  id: string;
  caseId: string;
  registrationNumber: string;
  recipient: { key: string; name: string; emails: string[] };
  grounds: string[];
  status: LetterStatus;
  template: { id: string; version: string };
  pdf: { sha256: string; size: number };
  attachments: Array<{ id: string; filename: string; sha256: string; size: number }>;
  signedAt?: string;
  timestamp?: { genTime: string; tsa: string };
  sentAt?: string;
  messageId?: string;
  attempts: number;
  lastError?: string;
  /** How the letter left, or last tried to: `capture` means no mail left the machine (no SMTP_URL). */
  delivery?: { transport: 'smtp' | 'capture'; serverResponse?: string };
  cancelled?: { at: string; reason: string };
  createdAt: string;
}

/** A listed material as the view shows it; `filename` already opened (it is sealed at rest). */
export type ListedAttachment = Pick<AttachmentRow, 'id' | 'filename' | 'sha256' | 'size'>;

/**
 * A stored letter as CONTRACT shows it: the one mapping from a `letters` row, for every domain
 * that answers with letters (letters, signing, mail, register). `attachments` holds the letter's
 * listed materials by id (looked up by the caller, scoped to the institution); a material no
 * longer found is left out.
 */
export function toLetterView(row: LetterRow, attachments: ReadonlyMap<string, ListedAttachment>, sealer: Pick<DataSealer, 'open'>): LetterView {
  const recipient = JSON.parse(row.recipient) as { key: string; name: string; emails: string[] };
  const listed = attachmentIdsOf(row).flatMap((id) => {
    const a = attachments.get(id);
    return a ? [{ id: a.id, filename: a.filename, sha256: a.sha256, size: a.size }] : [];
  });
  return {
    id: row.id,
    caseId: row.case_id,
    registrationNumber: row.registration_number,
    recipient: { key: recipient.key, name: recipient.name, emails: recipient.emails },
    grounds: JSON.parse(row.grounds) as string[],
    // `sending` is the outbox's lease on a queued letter, not a state callers see.
    status: (row.status === 'sending' ? 'queued' : row.status) as LetterStatus,
    template: { id: row.template_id, version: row.template_version },
    pdf: { sha256: row.pdf_sha256, size: row.pdf_size },
    attachments: listed,
    ...(row.signed_at ? { signedAt: row.signed_at } : {}),
    ...(row.timestamp ? { timestamp: JSON.parse(row.timestamp) as { genTime: string; tsa: string } } : {}),
    ...(row.sent_at ? { sentAt: row.sent_at } : {}),
    ...(row.message_id ? { messageId: row.message_id } : {}),
    attempts: row.attempts,
    ...(row.last_error ? { lastError: row.last_error } : {}),
    ...(row.transport
      ? { delivery: { transport: row.transport as 'smtp' | 'capture', ...(row.smtp_response ? { serverResponse: row.smtp_response } : {}) } }
      : {}),
    // The reason is free text and may name people: sealed at rest like case data.
    ...(row.cancelled_at ? { cancelled: { at: row.cancelled_at, reason: row.cancel_reason ? sealer.open(row.cancel_reason) : '' } } : {}),
    createdAt: row.created_at,
  };
}

/** The attachment ids a letter lists, in the letter's order. */
export function attachmentIdsOf(row: Pick<LetterRow, 'attachment_ids'>): string[] {
  return JSON.parse(row.attachment_ids) as string[];
}

/**
 * Views of stored letters of one institution, with their listed materials looked up (scoped to
 * the institution) and their file names opened (they are sealed at rest).
 */
export async function letterViews(deps: { db: Db; sealer: DataSealer }, institutionId: string, rows: readonly LetterRow[]): Promise<LetterView[]> {
  const opened = openedAttachments(await attachmentsByIds(deps.db, institutionId, rows.flatMap(attachmentIdsOf)), deps.sealer);
  return rows.map((r) => toLetterView(r, opened, deps.sealer));
}

/** Stored materials with their file names opened (they are sealed at rest), for `toLetterView`. */
export function openedAttachments(found: ReadonlyMap<string, AttachmentRow>, sealer: DataSealer): Map<string, AttachmentRow> {
  return new Map([...found].map(([id, a]) => [id, { ...a, filename: sealer.open(a.filename) }]));
}
