/*
 * TEST FIXTURES. Signed letters, their PDFs and work materials written straight into the store,
 * so the outbox is tested on its own, without the cases, letters and signing code that make them
 * in the running service. The rows carry every column those domains fill in.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import PDFDocument from 'pdfkit';
import type { Deps } from '../../src/deps';
import type { BlobStore, DataSealer, Db } from '../../src/store';

export const socialService = { key: 'social_service', name: 'Aizkraukles novada Sociālais dienests', emails: ['soccentrs@aizkraukle.lv'] };
export const statePolice = {
  key: 'state_police',
  name: 'Valsts policija',
  emails: ['pasts@vp.gov.lv', 'kanc.aizkraukle@zemgale.vp.gov.lv'],
};

export interface FixtureMaterial {
  filename: string;
  content: Buffer;
  contentType?: string;
}

export interface FixtureLetter {
  letterId: string;
  caseId: string;
  registrationNumber: string;
  pdf: Buffer;
  materials: Array<FixtureMaterial & { id: string; sha256: string }>;
}

let twoPages: Promise<Buffer> | undefined;

/** A real two-page PDF standing in for a signed letter. */
export function twoPagePdf(): Promise<Buffer> {
  return (twoPages ??= new Promise<Buffer>((resolve, reject) => {
    const doc = new PDFDocument({ size: 'A4', info: { Title: 'Par sociālām problēmām ģimenē' } });
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    doc.fontSize(12).text('Daugavkrasta pamatskola\n\nAizkraukles novada Sociālajam dienestam\n\n'.repeat(2));
    doc.text('Lorem ipsum dolor sit amet. '.repeat(300));
    doc.addPage().text('Pielikumā: 2 faili.');
    doc.end();
  }));
}

let seq = 0;

/** Inserts a case, its materials and a `signed` letter for them, as the other domains would have. */
/** The title fixture letters carry unless a test gives its own. */
export const FIXTURE_TITLE = 'Par sociālām problēmām izglītojamā ģimenē';

export async function seedSignedLetter(
  deps: Pick<Deps, 'db' | 'blobs' | 'clock' | 'sealer'>,
  opts: {
    institutionId: string;
    registerPrefix?: string;
    recipient?: { key: string; name: string; emails: string[] };
    materials?: FixtureMaterial[];
    pdf?: Buffer;
    status?: string;
    /** The letter's title ("Par …"), as the letters domain stores it (sealed). */
    title?: string;
  },
): Promise<FixtureLetter> {
  const now = deps.clock.now().toISOString();
  const caseId = randomUUID();
  await deps.db
    .insertInto('cases')
    .values({
      id: caseId, institution_id: opts.institutionId, external_reference: null, data: '{"fixture":true}',
      child_name_hash: null, created_by: 'fixture', created_at: now, purged_at: null,
    })
    .execute();
  const materials: FixtureLetter['materials'] = [];
  for (const m of opts.materials ?? defaultMaterials()) {
    materials.push({ ...m, ...(await insertMaterial(deps, opts.institutionId, caseId, m, now)) });
  }
  const pdf = opts.pdf ?? (await twoPagePdf());
  const stored = await deps.blobs.put(pdf);
  const n = ++seq;
  const year = 2026;
  const registrationNumber = `${opts.registerPrefix ?? '1-13'}/${year}/${n}`;
  const letterId = randomUUID();
  await deps.db
    .insertInto('letters')
    .values({
      id: letterId,
      institution_id: opts.institutionId,
      case_id: caseId,
      recipient_key: (opts.recipient ?? socialService).key,
      recipient: JSON.stringify({ dative: 'adresātam', ...(opts.recipient ?? socialService) }),
      grounds: JSON.stringify(['social_problems_in_family']),
      attachment_ids: JSON.stringify(materials.map((m) => m.id)),
      registration_number: registrationNumber,
      reg_year: year,
      reg_seq: n,
      status: opts.status ?? 'signed',
      template_id: 'social_service',
      template_version: 'fixture',
      pdf_key: stored.key,
      pdf_sha256: stored.sha256,
      pdf_size: stored.size,
      draft_sha256: stored.sha256,
      title: deps.sealer.seal(opts.title ?? FIXTURE_TITLE),
      created_by: 'fixture',
      created_at: now,
      updated_at: now,
      signed_at: opts.status === 'draft' ? null : now,
      signed_by: 'fixture',
      timestamp: null,
      queued_at: null,
      message_id: null,
      next_attempt_at: null,
      locked_until: null,
      last_error: null,
      smtp_response: null,
      eml_key: null,
      eml_sha256: null,
      transport: null,
      sent_at: null,
      cancelled_at: null,
      cancel_reason: null,
    })
    .execute();
  return { letterId, caseId, registrationNumber, pdf, materials };
}

function defaultMaterials(): FixtureMaterial[] {
  return [
    { filename: 'Sociālā pedagoga ziņojums.pdf', content: Buffer.from('%PDF-1.4\n% fixture material\n'), contentType: 'application/pdf' },
    { filename: 'saruna ar vecākiem – protokols.txt', content: Buffer.from('Sarunas protokols.\n'), contentType: 'text/plain' },
  ];
}

async function insertMaterial(
  deps: { db: Db; blobs: BlobStore; sealer: DataSealer }, institutionId: string, caseId: string, m: FixtureMaterial, now: string,
) {
  const stored = await deps.blobs.put(m.content);
  const id = randomUUID();
  await deps.db
    .insertInto('attachments')
    .values({
      // File names are sealed at rest, as the cases domain stores them.
      id, case_id: caseId, institution_id: institutionId, filename: deps.sealer.seal(m.filename), content_type: m.contentType ?? 'application/octet-stream',
      size: stored.size, sha256: stored.sha256, blob_key: stored.key, created_by: 'fixture', created_at: now, purged_at: null,
    })
    .execute();
  return { id, sha256: stored.sha256 };
}

/** Random bytes of a given size (a "1 MB scan"). */
export function randomFile(bytes: number): Buffer {
  return randomBytes(bytes);
}
