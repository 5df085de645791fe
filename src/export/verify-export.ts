import { z } from 'zod';
import { checkAnchoredChain, type ChainedAuditEntry, type TimestampTokenVerifier } from '../audit';
import type { AuditAnchor } from '../store';
import { AUDIT_ANCHORS, MANIFEST_JSON } from './archive-paths';
import type { Manifest, ManifestLetter } from './manifest';
import { ZipReader } from './zip-reader';

/** Verifies a PDF's signatures and time-stamps (the signing domain's verifier has this shape). */
export interface PdfSignatureVerifier {
  verifyPdf(pdf: Buffer): Promise<{ valid: boolean; summary: string }>;
}

export interface ExportVerifiers {
  pdf: PdfSignatureVerifier;
  timestamps: TimestampTokenVerifier;
}

/** One thing that does not match, named by the file it concerns. */
export interface ExportProblem {
  check: 'archive' | 'manifest' | 'hash' | 'letter' | 'signature' | 'audit';
  path?: string;
  message: string;
}

export interface ExportVerification {
  intact: boolean;
  exportId?: string;
  institutionId?: string;
  letters: number;
  files: number;
  signaturesChecked: number;
  audit?: { entries: number; anchors: number; tokensVerified: number; lastAnchoredAt?: string | undefined };
  problems: ExportProblem[];
  /** What is not a fault but worth knowing (materials removed by retention). */
  notes: string[];
}

const letterMetadataSchema = z.object({
  letter: z.object({
    id: z.string(), caseId: z.string(), status: z.string(), signedAt: z.string().optional(), attachments: z.array(z.object({ id: z.string() })),
  }),
  institutionId: z.string(),
  files: z.object({
    pdf: z.object({ path: z.string(), sha256: z.string() }).nullable(),
    materials: z.array(z.object({ id: z.string(), path: z.string().nullable(), sha256: z.string() })),
    message: z.object({ path: z.string(), sha256: z.string(), messageId: z.string().nullable().optional() }).nullable(),
  }),
  auditEntries: z.array(z.number()),
});

const EXPECTED_PROBLEMS = new Set(['MATERIAL_PURGED']);

/** The audit entries a letter names, what they must be about, and the hashes its files have here. */
interface Reference {
  letter: string;
  objects: Set<string>;
  hashes: {
    letterId: string;
    /** True when the PDF here is the unsigned draft (the letter was never signed). */
    draft: boolean;
    pdf: string | undefined;
    message: string | undefined;
    messageId: string | undefined;
    materials: Map<string, string | undefined>;
  };
}

/**
 * Entries that recorded a file's hash when it was made pin those files to the time-stamped chain:
 * a file swapped in the archive, with the manifests rewritten to match, still differs here.
 * `attachment.uploaded` {sha256} holds a material; `letter.rendered` {pdfSha256} the draft, which
 * is the PDF exported only while the letter is unsigned; `letter.signed` and
 * `letter.signed_externally` {pdfSha256} the signed PDF; `letter.queued` and `letter.sent`
 * {emlSha256} the message, and `letter.sent` {messageId} the Message-ID it went out with.
 */
function recordedHashMismatch(e: ChainedAuditEntry, h: Reference['hashes']): string | undefined {
  const d = e.details;
  const differs = (recorded: unknown, actual: string | undefined) => typeof recorded === 'string' && actual !== undefined && recorded !== actual;
  if (e.objectType === 'attachment' && e.objectId && e.action === 'attachment.uploaded' && differs(d.sha256, h.materials.get(e.objectId))) {
    return `material ${e.objectId}`;
  }
  if (e.objectType !== 'letter' || e.objectId !== h.letterId) return undefined;
  switch (e.action) {
    case 'letter.rendered':
      return h.draft && differs(d.pdfSha256, h.pdf) ? 'the draft PDF' : undefined;
    case 'letter.signed':
    case 'letter.signed_externally':
      return differs(d.pdfSha256, h.pdf) ? 'the signed PDF' : undefined;
    case 'letter.queued':
      return differs(d.emlSha256, h.message) ? 'the queued message' : undefined;
    case 'letter.sent':
      if (differs(d.emlSha256, h.message)) return 'the sent message';
      return differs(d.messageId, h.messageId) ? "the sent message's Message-ID" : undefined;
    default:
      return undefined;
  }
}

/**
 * Checks an export offline: every file against the manifest (nothing missing, altered or added),
 * every letter's files against the hashes recorded when it was made, every signature and
 * time-stamp, and the audit chain with its time-stamped heads.
 */
export async function verifyExport(file: string, verifiers: ExportVerifiers): Promise<ExportVerification> {
  const result: ExportVerification = { intact: false, letters: 0, files: 0, signaturesChecked: 0, problems: [], notes: [] };
  const problem = (p: ExportProblem): void => {
    result.problems.push(p);
  };
  let zip: ZipReader;
  try {
    zip = await ZipReader.open(file);
  } catch (err) {
    problem({ check: 'archive', message: `not a readable ZIP archive: ${err instanceof Error ? err.message : String(err)}` });
    return result;
  }
  try {
    for (const d of zip.duplicates) problem({ check: 'archive', path: d, message: 'appears more than once in the archive' });
    let manifest: Manifest;
    try {
      manifest = JSON.parse((await zip.read(MANIFEST_JSON)).toString('utf8')) as Manifest;
      if (manifest.format !== 'sutne-export' || manifest.version !== 1) throw new Error('it is not a Sūtne export manifest (format 1)');
    } catch (err) {
      problem({ check: 'manifest', path: MANIFEST_JSON, message: `cannot be read: ${err instanceof Error ? err.message : String(err)}` });
      return result;
    }
    result.exportId = manifest.exportId;
    result.institutionId = manifest.institution.id;
    result.letters = manifest.letters.length;
    result.files = manifest.files.length;

    const listed = new Map(manifest.files.map((f) => [f.path, f]));
    for (const name of zip.entries.keys()) {
      if (name !== MANIFEST_JSON && !listed.has(name)) problem({ check: 'manifest', path: name, message: 'is in the archive but not in the manifest (added)' });
    }
    for (const f of manifest.files) {
      if (!zip.has(f.path)) {
        problem({ check: 'hash', path: f.path, message: 'is in the manifest but not in the archive (removed)' });
        continue;
      }
      const actual = await zip.digest(f.path);
      if (actual.sha256 !== f.sha256 || actual.size !== f.size) problem({ check: 'hash', path: f.path, message: `SHA-256 ${actual.sha256} differs from the manifest's ${f.sha256} (altered)` });
    }

    // Audit entries each letter names, and the objects they must be about.
    const references = new Map<number, Reference>();
    for (const l of manifest.letters) await checkLetter(zip, l, listed, verifiers.pdf, result, references);

    await checkAudit(zip, manifest, verifiers.timestamps, result, references);
  } finally {
    zip.close();
  }
  result.intact = result.problems.length === 0;
  return result;
}

async function checkLetter(
  zip: ZipReader,
  l: ManifestLetter,
  listed: ReadonlyMap<string, { sha256: string }>,
  pdfVerifier: PdfSignatureVerifier,
  result: ExportVerification,
  references: Map<number, Reference>,
): Promise<void> {
  const problem = (path: string, message: string): void => {
    result.problems.push({ check: 'letter', path, message: `${l.registrationNumber}: ${message}` });
  };
  for (const p of l.problems) {
    if (EXPECTED_PROBLEMS.has(p.code)) result.notes.push(`${l.registrationNumber}: ${p.message}`);
    else problem(l.folder, `${p.code}: ${p.message}`);
  }
  if (!zip.has(l.metadata)) return problem(l.metadata, 'its metadata is missing');
  const parsed = letterMetadataSchema.safeParse(JSON.parse((await zip.read(l.metadata, 16 * 1024 * 1024)).toString('utf8')));
  if (!parsed.success) return problem(l.metadata, 'its metadata cannot be read');
  const meta = parsed.data;
  if (meta.letter.id !== l.id) problem(l.metadata, `describes letter ${meta.letter.id}, not ${l.id}`);

  // The files must be the ones the service recorded when the letter was made, signed and sent.
  const recorded: Array<{ path: string | null; sha256: string }> = [meta.files.pdf, meta.files.message, ...meta.files.materials].filter((f) => f !== null);
  for (const f of recorded) {
    if (!f.path) continue;
    const inManifest = listed.get(f.path);
    if (!inManifest) problem(f.path, 'a file the letter lists is not in the manifest');
    else if (inManifest.sha256 !== f.sha256) problem(f.path, 'differs from the file the service recorded for this letter');
  }

  if (meta.files.pdf && zip.has(meta.files.pdf.path) && meta.letter.status !== 'draft') {
    const pdf = await zip.read(meta.files.pdf.path);
    const verdict = await pdfVerifier.verifyPdf(pdf);
    result.signaturesChecked++;
    if (!verdict.valid) result.problems.push({ check: 'signature', path: meta.files.pdf.path, message: `${l.registrationNumber}: ${verdict.summary}` });
  }

  const objects = new Set([meta.letter.id, meta.letter.caseId, ...meta.letter.attachments.map((a) => a.id), ...meta.files.materials.map((m) => m.id)]);
  // What the files hashed to in this archive, for entries that recorded a hash when the file was made.
  const fileHash = (p: string | null | undefined) => (p ? listed.get(p)?.sha256 : undefined);
  const hashes: Reference['hashes'] = {
    letterId: meta.letter.id,
    draft: meta.letter.signedAt === undefined,
    pdf: fileHash(meta.files.pdf?.path),
    message: fileHash(meta.files.message?.path),
    messageId: meta.files.message?.messageId ?? undefined,
    materials: new Map(meta.files.materials.flatMap((m) => (m.path ? [[m.id, fileHash(m.path)] as [string, string | undefined]] : []))),
  };
  for (const n of meta.auditEntries) references.set(n, { letter: l.registrationNumber, objects, hashes });
}

async function checkAudit(
  zip: ZipReader,
  manifest: Manifest,
  verifier: TimestampTokenVerifier,
  result: ExportVerification,
  references: ReadonlyMap<number, Reference>,
): Promise<void> {
  const problem = (path: string, message: string): void => {
    result.problems.push({ check: 'audit', path, message });
  };
  const a = manifest.audit;
  if (!zip.has(a.chain) || !zip.has(AUDIT_ANCHORS)) return problem(a.chain, 'the audit chain or its time-stamps are missing');
  const anchors = JSON.parse((await zip.read(AUDIT_ANCHORS)).toString('utf8')) as Array<AuditAnchor & { file: string }>;
  for (const anchor of anchors) {
    if (!zip.has(anchor.file) || !(await zip.read(anchor.file)).equals(Buffer.from(anchor.token, 'base64'))) {
      problem(anchor.file, `time-stamp ${anchor.id} differs from its copy in ${AUDIT_ANCHORS}`);
    }
  }
  const exportAnchor = anchors.find((x) => x.id === a.anchorId);
  if (!exportAnchor || exportAnchor.n !== a.chainEntries) return problem(AUDIT_ANCHORS, "the time-stamp made for this export is missing or does not cover the chain's end");

  let exportEntry: ChainedAuditEntry | undefined;
  const institutionId = manifest.institution.id;
  async function* entries(): AsyncGenerator<ChainedAuditEntry> {
    for await (const line of zip.lines(a.chain)) {
      const e = JSON.parse(line) as ChainedAuditEntry;
      if (e.n === a.exportEntry) exportEntry = e;
      const ref = references.get(e.n);
      if (ref && (!e.objectId || !ref.objects.has(e.objectId))) {
        problem(a.chain, `entry ${e.n}, named by letter ${ref.letter}, is about something else`);
      } else if (ref) {
        const mismatch = recordedHashMismatch(e, ref.hashes);
        if (mismatch) problem(a.chain, `letter ${ref.letter}: ${mismatch} differs from what entry ${e.n} (${e.action}) recorded when it was made`);
      }
      yield e;
    }
  }
  const check = await checkAnchoredChain(institutionId, entries(), anchors, { expectedHead: { n: exportAnchor.n, hash: exportAnchor.headHash }, verifier });
  result.audit = { entries: check.entries, anchors: check.anchors.count, tokensVerified: check.anchors.tokensVerified, lastAnchoredAt: check.anchors.lastAnchoredAt };
  if (!check.valid && check.firstBadEntry) problem(a.chain, `entry ${check.firstBadEntry.n}: ${check.firstBadEntry.reason}`);
  if (check.valid && (exportEntry?.action !== 'export.created' || exportEntry.objectId !== manifest.exportId)) {
    problem(a.chain, `entry ${a.exportEntry} is not the record of this export`);
  }
  for (const [n, ref] of references) {
    if (n > a.chainEntries) problem(a.chain, `letter ${ref.letter} names entry ${n}, beyond the chain's end`);
  }
}
