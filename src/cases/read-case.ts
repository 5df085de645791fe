import type { Readable } from 'node:stream';
import type { Principal } from '../access';
import type { Deps } from '../deps';
import { AppError } from '../errors';
import { findAttachment, findCase, listAttachments, type StoredAttachmentRow } from '../store';
import type { AttachmentInfo } from './attachments/attachment-upload';
import type { Case } from './case-schema';
import type { CaseWarning } from './check-preconditions';
import type { StoredRouting } from './create-case';
import type { Routing } from './route-case';

type ReadDeps = Pick<Deps, 'db' | 'sealer'>;

/** A work material with where its bytes are, for the letters and mail that send it. */
export interface StoredAttachment extends AttachmentInfo {
  blobKey: string;
}

/** A stored case with the routing decided when it was created and its work materials. */
export interface CaseRecord {
  id: string;
  institutionId: string;
  externalReference: string | null;
  data: Case;
  routing: Routing;
  warnings: CaseWarning[];
  attachments: StoredAttachment[];
  createdBy: string;
  createdAt: string;
}

/** The institution's case, unsealed, without auditing the read (for other domains' own audited actions). */
export async function findCaseRecord(deps: ReadDeps, institutionId: string, caseId: string): Promise<CaseRecord> {
  const row = await findCase(deps.db, institutionId, caseId);
  if (!row || row.purgedAt) throw new AppError('CASE_NOT_FOUND', 'Jūsu iestādei nav lietas ar šādu identifikatoru.'); // no such case in your institution
  const { warnings, ...routing } = JSON.parse(deps.sealer.open(row.routing)) as StoredRouting;
  return {
    id: row.id,
    institutionId: row.institutionId,
    externalReference: row.externalReference,
    data: JSON.parse(deps.sealer.open(row.data)) as Case,
    routing,
    warnings,
    attachments: await listCaseAttachments(deps, institutionId, caseId),
    createdBy: row.createdBy,
    createdAt: row.createdAt,
  };
}

/** Reads a case for a caller and records `case.read`. */
export async function readCase(deps: ReadDeps & Pick<Deps, 'audit'>, principal: Principal, caseId: string, requestId?: string): Promise<CaseRecord> {
  const record = await findCaseRecord(deps, principal.institutionId, caseId);
  await deps.audit.record({ action: 'case.read', actor: principal, institutionId: principal.institutionId, object: { type: 'case', id: caseId }, requestId });
  return record;
}

export async function listCaseAttachments(deps: ReadDeps, institutionId: string, caseId: string): Promise<StoredAttachment[]> {
  return (await listAttachments(deps.db, institutionId, caseId)).map((a) => toStored(deps, a));
}

/** A work material's bytes for a caller, recorded as `attachment.downloaded`. */
export async function downloadAttachment(
  deps: ReadDeps & Pick<Deps, 'audit' | 'blobs'>,
  principal: Principal,
  caseId: string,
  attachmentId: string,
  requestId?: string,
): Promise<{ attachment: StoredAttachment; content: Readable }> {
  const row = await findAttachment(deps.db, principal.institutionId, caseId, attachmentId);
  if (!row) throw new AppError('ATTACHMENT_NOT_FOUND', 'Šai lietai nav pielikuma ar šādu identifikatoru.'); // the case has no such attachment
  const attachment = toStored(deps, row);
  const content = await deps.audit.recordRead(
    {
      action: 'attachment.downloaded',
      actor: principal,
      institutionId: principal.institutionId,
      object: { type: 'attachment', id: attachmentId },
      requestId,
      details: { caseId },
    },
    () => deps.blobs.stream(attachment.blobKey),
  );
  return { attachment, content };
}

function toStored(deps: ReadDeps, a: StoredAttachmentRow): StoredAttachment {
  return {
    id: a.id,
    filename: deps.sealer.open(a.filename),
    contentType: a.contentType,
    size: a.size,
    sha256: a.sha256,
    createdAt: a.createdAt,
    blobKey: a.blobKey,
  };
}
