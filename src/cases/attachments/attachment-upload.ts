import { randomUUID } from 'node:crypto';
import { pipeline, type Readable } from 'node:stream';
import { actorOf, type Principal } from '../../access';
import type { Deps } from '../../deps';
import { AppError } from '../../errors';
import { attachmentTotals, findCase, insertAttachments, isBlobReferenced, lockCase, type Db, type StoredBlob } from '../../store';
import type { WriteOptions } from '../create-case';
import { allowedTypes } from './allowed-types';
import { sanitizeFilename, withTrueExtension } from './filename';
import { UploadInspector } from './upload-inspector';

type UploadDeps = Pick<Deps, 'db' | 'blobs' | 'clock' | 'audit' | 'sealer' | 'config'>;

/** A work material as callers see it. */
export interface AttachmentInfo {
  id: string;
  filename: string;
  contentType: string;
  size: number;
  sha256: string;
  createdAt: string;
}

/** A file stored in the blob store but not yet recorded with a case. */
interface StagedFile {
  id: string;
  filename: string;
  contentType: string;
  size: number;
  sha256: string;
  blobKey: string;
}

/**
 * The files of one request: each is streamed into the blob store as it arrives (checked, hashed,
 * never held whole in memory), then all are recorded with the case in one transaction, or none:
 * `discard` removes what was stored when anything failed.
 */
export class AttachmentUpload {
  private readonly staged: StagedFile[] = [];
  private stagedBytes = 0;
  private received = 0;
  /** Files still streaming into storage: a discard waits for them, so none is left behind. */
  private readonly inFlight = new Map<Promise<unknown>, UploadInspector>();
  private discarded = false;

  constructor(
    private readonly deps: UploadDeps,
    private readonly principal: Principal,
    private readonly existing: { count: number; bytes: number },
  ) {}

  /** Streams one file into storage. `path` names the part in errors (`file[0]`). */
  async add(originalName: string, stream: Readable): Promise<void> {
    const { uploadFileBytes, uploadCaseBytes, uploadFiles } = this.deps.config.limits;
    const path = `file[${this.received++}]`;
    const filename = sanitizeFilename(originalName);
    if (this.existing.count + this.staged.length >= uploadFiles) {
      stream.resume();
      // "A case may have at most N files"
      const message = `Lietai var pievienot ne vairāk kā ${uploadFiles} failus (UPLOAD_MAX_FILES); “${filename}” ir pāri šim skaitam.`;
      throw new AppError('PAYLOAD_TOO_LARGE', message, [{ path, message }]);
    }
    const inspector = new UploadInspector(
      { maxFileBytes: uploadFileBytes, remainingCaseBytes: uploadCaseBytes - this.existing.bytes - this.stagedBytes, maxCaseBytes: uploadCaseBytes },
      { path, filename },
    );
    // An aborted upload errors the source; pipeline passes it on, and the blob store keeps nothing.
    pipeline(stream, inspector, () => undefined);
    const storing = this.deps.blobs.put(inspector);
    this.inFlight.set(storing, inspector);
    let blob: StoredBlob;
    try {
      blob = await storing;
    } finally {
      this.inFlight.delete(storing);
    }
    if (this.discarded) {
      // The request failed while this file was still arriving.
      if (!(await isBlobReferenced(this.deps.db, blob.key))) await this.deps.blobs.delete(blob.key);
      return;
    }
    const file = inspector.inspected();
    this.staged.push({
      id: randomUUID(),
      filename: withTrueExtension(filename, file.type),
      contentType: allowedTypes[file.type].mime,
      size: file.size,
      sha256: file.sha256,
      blobKey: blob.key,
    });
    this.stagedBytes += file.size;
  }

  get count(): number {
    return this.staged.length;
  }

  /**
   * Records every staged file with the case and audits each, in the given transaction or a new
   * one. The case is locked first, so concurrent uploads to it are counted against its limits
   * one after the other.
   */
  async commit(caseId: string, opts: WriteOptions = {}): Promise<AttachmentInfo[]> {
    const createdAt = this.deps.clock.now().toISOString();
    const write = async (trx: Db): Promise<AttachmentInfo[]> => {
      if (!(await lockCase(trx, this.principal.institutionId, caseId))) throw caseNotFound();
      const totals = await attachmentTotals(trx, caseId);
      this.checkTotals(totals);
      await insertAttachments(
        trx,
        this.staged.map((f, i) => ({
          id: f.id,
          caseId,
          institutionId: this.principal.institutionId,
          filename: this.deps.sealer.seal(f.filename),
          contentType: f.contentType,
          size: f.size,
          sha256: f.sha256,
          blobKey: f.blobKey,
          position: totals.lastPosition + i + 1,
          createdBy: actorOf(this.principal),
          createdAt,
        })),
      );
      for (const f of this.staged) {
        await this.deps.audit.record(
          {
            action: 'attachment.uploaded',
            actor: this.principal,
            institutionId: this.principal.institutionId,
            object: { type: 'attachment', id: f.id },
            requestId: opts.requestId,
            details: { caseId, contentType: f.contentType, size: f.size, sha256: f.sha256 },
          },
          trx,
        );
      }
      return this.staged.map((f) => ({ id: f.id, filename: f.filename, contentType: f.contentType, size: f.size, sha256: f.sha256, createdAt }));
    };
    return opts.trx ? write(opts.trx) : this.deps.db.transaction().execute(write);
  }

  /**
   * Removes the stored bytes of this request's files. Blobs are content-addressed: bytes that a
   * recorded attachment or letter also uses stay.
   */
  async discard(): Promise<void> {
    this.discarded = true;
    // A file still streaming when another part failed: stop it, and let its write clean up after itself first.
    for (const inspector of this.inFlight.values()) inspector.destroy(new Error('upload discarded'));
    await Promise.allSettled([...this.inFlight.keys()]);
    for (const f of this.staged.splice(0)) {
      if (!(await isBlobReferenced(this.deps.db, f.blobKey))) await this.deps.blobs.delete(f.blobKey);
    }
  }

  /** Another request may have added files to the case since this one started. */
  private checkTotals(now: { count: number; bytes: number }): void {
    const { uploadCaseBytes, uploadFiles } = this.deps.config.limits;
    if (now.count + this.staged.length > uploadFiles) {
      throw new AppError('PAYLOAD_TOO_LARGE', `Lietai var pievienot ne vairāk kā ${uploadFiles} failus (UPLOAD_MAX_FILES).`);
    }
    if (now.bytes + this.stagedBytes > uploadCaseBytes) {
      throw new AppError('PAYLOAD_TOO_LARGE', `Lietas materiāli kopā pārsniegtu atļauto apjomu (UPLOAD_MAX_CASE_BYTES).`);
    }
  }
}

/** An upload for an existing case of the caller's institution (404 for any other). */
export async function startAttachmentUpload(deps: UploadDeps, principal: Principal, caseId: string): Promise<AttachmentUpload> {
  if (!(await findCase(deps.db, principal.institutionId, caseId))) throw caseNotFound();
  return new AttachmentUpload(deps, principal, await attachmentTotals(deps.db, caseId));
}

/** An upload for a case created in the same request (a referral). */
export function newCaseUpload(deps: UploadDeps, principal: Principal): AttachmentUpload {
  return new AttachmentUpload(deps, principal, { count: 0, bytes: 0 });
}

/**
 * Adds work materials to a case: `receive` feeds each arriving file to the upload; then all are
 * recorded, or — if anything failed — nothing is kept.
 */
export async function addAttachments(
  deps: UploadDeps,
  principal: Principal,
  caseId: string,
  receive: (upload: AttachmentUpload) => Promise<void>,
  opts: WriteOptions = {},
): Promise<AttachmentInfo[]> {
  const upload = await startAttachmentUpload(deps, principal, caseId);
  try {
    await receive(upload);
    if (!upload.count) throw new AppError('VALIDATION_FAILED', 'Pievienojiet vismaz vienu failu (daļa “file”).', [{ path: 'file', message: 'obligāts lauks' }]); // add at least one file
    return await upload.commit(caseId, opts);
  } catch (err) {
    await upload.discard();
    throw err;
  }
}

function caseNotFound(): AppError {
  return new AppError('CASE_NOT_FOUND', 'Jūsu iestādei nav lietas ar šādu identifikatoru.'); // your institution has no case with this id
}
