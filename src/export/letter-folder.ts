import type { Readable } from 'node:stream';
import { AppError } from '../errors';
import { attachmentIdsOf, openedAttachments, toLetterView } from '../letters';
import type { Logger } from '../logger';
import { auditEntriesAbout, attachmentsByIds, type BlobStore, type DataSealer, type Db, type LetterRow } from '../store';
import { letterFolder, materialPath } from './archive-paths';
import { historyObjectsOf } from './letter-history';
import type { ManifestLetter } from './manifest';
import type { WrittenFile, ZipWriter } from './zip-writer';

/** A letter's folder once all of it is in the archive. */
export interface LetterWritten {
  letter: ManifestLetter;
  /** In archive order. */
  files: WrittenFile[];
  hashes: Map<string, string>;
}

interface Ctx {
  db: Db;
  sealer: DataSealer;
  blobs: BlobStore;
  logger: Logger;
}

/**
 * Queues one letter's folder — the signed PDF, its materials, the sent message and `letter.json` —
 * and answers once it is queued; `written` resolves when its bytes are in the archive. Queueing
 * the next letter while this one streams keeps the disk busy without holding more than two
 * letters' buffers.
 */
export async function queueLetter(ctx: Ctx, zip: ZipWriter, row: LetterRow, chainEnd: number): Promise<{ written: Promise<LetterWritten> }> {
  const folder = letterFolder(row.registration_number);
  const attachments = openedAttachments(await attachmentsByIds(ctx.db, row.institution_id, attachmentIdsOf(row)), ctx.sealer);
  const auditEntries = (await auditEntriesAbout(ctx.db, row.institution_id, historyObjectsOf(row))).filter((e) => e.n <= chainEnd).map((e) => e.n);
  const view = toLetterView(row, attachments, ctx.sealer);
  const problems: ManifestLetter['problems'] = [];
  const pending: Array<Promise<WrittenFile>> = [];

  const open = async (path: string, key: string): Promise<Readable | undefined> => {
    try {
      return await ctx.blobs.stream(key);
    } catch (err) {
      if (!(err instanceof AppError && err.code === 'NOT_FOUND')) throw err;
      problems.push({ code: 'FILE_MISSING', message: `${path}: the stored file is missing` });
      ctx.logger.error({ letter: row.id, path }, 'export: a stored file is missing');
      return undefined;
    }
  };
  // Stored files go in as they are: PDFs and materials are compressed already, and the message stays byte for byte.
  const put = async (path: string, key: string): Promise<string | null> => {
    const source = await open(path, key);
    if (!source) return null;
    pending.push(zip.addStream(path, source, false));
    return path;
  };

  const pdf = await put(`${folder}letter.pdf`, row.pdf_key);
  const materials: Array<{ id: string; filename: string; path: string | null; sha256: string; size: number }> = [];
  for (const [i, id] of attachmentIdsOf(row).entries()) {
    const a = attachments.get(id);
    if (!a) {
      problems.push({ code: 'MATERIAL_UNKNOWN', message: `material ${id} listed by the letter is not in the store` });
    } else {
      const { filename } = a;
      if (a.purged_at) {
        problems.push({ code: 'MATERIAL_PURGED', message: `${filename}: removed by retention on ${a.purged_at}; its hash is kept in letter.json` });
        materials.push({ id, filename, path: null, sha256: a.sha256, size: a.size });
      } else {
        materials.push({ id, filename, path: await put(materialPath(folder, i, filename), a.blob_key), sha256: a.sha256, size: a.size });
      }
    }
  }
  const message = row.eml_key ? await put(`${folder}message.eml`, row.eml_key) : null;

  // The hashes the service recorded when the letter was made and sent, for the verifier to hold the files against.
  const metadata = {
    letter: view,
    institutionId: row.institution_id,
    files: {
      pdf: pdf ? { path: pdf, sha256: row.pdf_sha256, size: row.pdf_size } : null,
      materials,
      message: message && row.eml_sha256 ? { path: message, sha256: row.eml_sha256, messageId: row.message_id, transport: row.transport } : null,
    },
    auditEntries,
  };
  const metadataPath = `${folder}letter.json`;
  pending.push(zip.addBuffer(metadataPath, Buffer.from(`${JSON.stringify(metadata, null, 2)}\n`, 'utf8'), true));

  const written = Promise.all(pending).then((files): LetterWritten => ({
    files,
    hashes: new Map(files.map((f) => [f.path, f.sha256])),
    letter: {
      id: row.id,
      registrationNumber: row.registration_number,
      status: view.status,
      recipient: { key: view.recipient.key, name: view.recipient.name },
      createdAt: row.created_at,
      signedAt: row.signed_at,
      sentAt: row.sent_at,
      folder,
      pdf,
      message,
      metadata: metadataPath,
      materials: materials.flatMap((m) => (m.path ? [m.path] : [])),
      auditEntries,
      problems,
    },
  }));
  // Awaited by the caller one letter later; until then a failure must not count as unhandled.
  written.catch(() => undefined);
  return { written };
}
