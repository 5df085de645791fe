import { createHash, randomUUID } from 'node:crypto';
import type { AuditAction } from '../../../src/audit';
import { childNameHasher } from '../../../src/cases';
import type { Deps } from '../../../src/deps';
import { nextRegisterSeq } from '../../../src/store';

/**
 * Letters, cases and materials written straight into the store, as the cases, letters and mail
 * domains would leave them, so the register and the export can be tested on their own.
 */
export interface FixtureLetter {
  id: string;
  caseId: string;
  registrationNumber: string;
  createdAt: string;
  attachmentIds: string[];
}

export interface FixtureLetterInput {
  institutionId: string;
  caseId?: string;
  childName?: string;
  status?: string;
  createdAt?: string;
  recipientKey?: string;
  materials?: Array<{ filename: string; content: Buffer; contentType?: string }>;
  pdf?: Buffer;
  eml?: Buffer | null;
}

export async function insertFixtureCase(deps: Deps, institutionId: string, childName = 'Jānis Bērziņš', createdAt = new Date().toISOString()): Promise<string> {
  const id = randomUUID();
  const data = JSON.stringify({ child: { fullName: childName, birthDate: '2014-05-05', group: '6.b klase' } });
  await deps.db
    .insertInto('cases')
    .values({
      id, institution_id: institutionId, external_reference: null, data: deps.sealer.seal(data),
      child_name_hash: childNameHasher(deps.config.dataKey)(childName), created_by: 'test', created_at: createdAt, purged_at: null,
    })
    .execute();
  return id;
}

export async function insertFixtureLetter(deps: Deps, input: FixtureLetterInput): Promise<FixtureLetter> {
  const createdAt = input.createdAt ?? new Date().toISOString();
  const caseId = input.caseId ?? (await insertFixtureCase(deps, input.institutionId, input.childName, createdAt));
  const status = input.status ?? 'sent';
  const attachmentIds: string[] = [];
  for (const m of input.materials ?? []) {
    const stored = await deps.blobs.put(m.content);
    const id = randomUUID();
    await deps.db
      .insertInto('attachments')
      .values({
        id, case_id: caseId, institution_id: input.institutionId, filename: deps.sealer.seal(m.filename), content_type: m.contentType ?? 'application/pdf',
        size: m.content.length, sha256: sha256(m.content), blob_key: stored.key, created_by: 'test', created_at: createdAt, purged_at: null,
      })
      .execute();
    attachmentIds.push(id);
    await deps.audit.record({ action: 'attachment.uploaded', actor: 'test', institutionId: input.institutionId, object: { type: 'attachment', id }, details: { sha256: sha256(m.content), size: m.content.length } });
  }
  const pdf = input.pdf ?? Buffer.from(`%PDF-1.7\n% letter ${randomUUID()}\n%%EOF\n`);
  const storedPdf = await deps.blobs.put(pdf);
  const eml = input.eml === undefined ? (status === 'sent' ? Buffer.from(`Message-ID: <${randomUUID()}@test>\r\nSubject: Vēstule\r\n\r\nSveiki!\r\n`) : null) : input.eml;
  const storedEml = eml ? await deps.blobs.put(eml) : undefined;
  const year = Number(createdAt.slice(0, 4));
  // From the register's own counter, so letters the service makes later never take the same number.
  const seq = await nextRegisterSeq(deps.db, input.institutionId, year);
  const id = randomUUID();
  const registrationNumber = `1-13/${year}/${seq}`;
  const recipientKey = input.recipientKey ?? 'social_service';
  const signed = status !== 'draft';
  await deps.db
    .insertInto('letters')
    .values({
      id, institution_id: input.institutionId, case_id: caseId, recipient_key: recipientKey,
      recipient: JSON.stringify({ key: recipientKey, name: `Adresāts ${recipientKey}`, dative: 'Adresātam', emails: [`${recipientKey}@example.lv`] }),
      grounds: JSON.stringify(['social_problems_in_family']), attachment_ids: JSON.stringify(attachmentIds),
      registration_number: registrationNumber, reg_year: year, reg_seq: seq, status, template_id: 'letter-social-service', template_version: '1',
      pdf_key: storedPdf.key, pdf_sha256: sha256(pdf), pdf_size: pdf.length, draft_sha256: sha256(pdf), created_by: 'test',
      created_at: createdAt, updated_at: createdAt,
      signed_at: signed ? createdAt : null, signed_by: signed ? 'test' : null,
      timestamp: signed ? JSON.stringify({ genTime: createdAt, tsa: 'Test TSA' }) : null,
      queued_at: null, message_id: storedEml ? `<${id}@test>` : null, attempts: storedEml ? 1 : 0,
      eml_key: storedEml?.key ?? null, eml_sha256: eml ? sha256(eml) : null, transport: storedEml ? 'capture' : null,
      sent_at: status === 'sent' ? createdAt : null, next_attempt_at: null, locked_until: null,
      last_error: status === 'failed' ? '550 mailbox unavailable' : null, smtp_response: null, cancelled_at: null, cancel_reason: null,
    })
    .execute();
  // As the letters, signing and mail domains record them: the hashes of what they made.
  const draftSha256 = signed ? sha256(Buffer.from(`draft of ${id}`)) : sha256(pdf);
  const entries: Array<[AuditAction, Record<string, string | number>]> = [
    ['letter.rendered', { registrationNumber, templateId: 'letter-social-service', templateVersion: '1', pdfSha256: draftSha256 }],
  ];
  if (signed) entries.push(['letter.signed', { pdfSha256: sha256(pdf), draftSha256, genTime: createdAt }]);
  if (eml) entries.push(['letter.queued', { emlSha256: sha256(eml) }]);
  if (status === 'sent' && eml) entries.push(['letter.sent', { emlSha256: sha256(eml), messageId: `<${id}@test>`, responseCode: '250' }]);
  for (const [action, details] of entries) {
    await deps.audit.record({ action, actor: 'test', institutionId: input.institutionId, object: { type: 'letter', id }, details });
  }
  return { id, caseId, registrationNumber, createdAt, attachmentIds };
}

export function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}
