import type { AttachmentRow, DataSealer, LetterRow } from '../store';

/** The CONTRACT `letter` object. */
export interface LetterView {
  id: string;
  caseId: string;
  registrationNumber: string;
  recipient: { key: string; name: string; emails: string[] };
  grounds: string[];
  status: 'draft' | 'signed' | 'queued' | 'sent' | 'failed' | 'cancelled';
  template: { id: string; version: string };
  pdf: { sha256: string; size: number };
  attachments: Array<{ id: string; filename: string; sha256: string; size: number }>;
  signedAt?: string;
  timestamp?: { genTime: string; tsa: string };
  sentAt?: string;
  messageId?: string;
  attempts: number;
  lastError?: string;
  createdAt: string;
}

/**
 * A stored letter as CONTRACT shows it. `attachments` holds the letter's listed materials (the
 * caller looks them up, scoped to the institution); a purged material keeps its name and hash.
 * Material file names are sealed at rest like case data; `sealer` opens them.
 */
export function letterViewOf(row: LetterRow, attachments: ReadonlyMap<string, AttachmentRow>, sealer: DataSealer): LetterView {
  const recipient = JSON.parse(row.recipient) as { key: string; name: string; emails: string[] };
  const listed = (JSON.parse(row.attachment_ids) as string[]).flatMap((id) => {
    const a = attachments.get(id);
    return a ? [{ id: a.id, filename: sealer.open(a.filename), sha256: a.sha256, size: a.size }] : [];
  });
  return {
    id: row.id,
    caseId: row.case_id,
    registrationNumber: row.registration_number,
    recipient: { key: recipient.key, name: recipient.name, emails: recipient.emails },
    grounds: JSON.parse(row.grounds) as string[],
    // `sending` is the outbox's lease on a queued letter, not a state callers see.
    status: (row.status === 'sending' ? 'queued' : row.status) as LetterView['status'],
    template: { id: row.template_id, version: row.template_version },
    pdf: { sha256: row.pdf_sha256, size: row.pdf_size },
    attachments: listed,
    ...(row.signed_at ? { signedAt: row.signed_at } : {}),
    ...(row.timestamp ? { timestamp: JSON.parse(row.timestamp) as { genTime: string; tsa: string } } : {}),
    ...(row.sent_at ? { sentAt: row.sent_at } : {}),
    ...(row.message_id ? { messageId: row.message_id } : {}),
    attempts: row.attempts,
    ...(row.last_error ? { lastError: row.last_error } : {}),
    createdAt: row.created_at,
  };
}

/** The attachment ids a letter lists. */
export function attachmentIdsOf(row: LetterRow): string[] {
  return JSON.parse(row.attachment_ids) as string[];
}
