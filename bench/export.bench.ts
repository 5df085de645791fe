/**
 * Bulk export of 2,000 letters (each with a 100 KB material, a signed PDF and the sent message),
 * in MB/s beside `zip -0 -r` over the same files in the same run; and the export's peak memory
 * (RSS high-water, each export in a fresh process) at 500 and at 2,000 letters, which must not
 * grow with the number of letters.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { AuditLog } from '../src/audit';
import { systemClock } from '../src/clock';
import { prepareExport } from '../src/export';
import { letterFolder } from '../src/export/archive-paths';
import { Metrics } from '../src/metrics';
import { FsBlobStore, migrateToLatest, openDatabase, plainSealer } from '../src/store';
import { createOpensslTsa } from '../test/audit/support/openssl-tsa';
import { report } from './report';

const INSTITUTION = 'bench-skola';
const SIZES = [500, 2000];

async function setUp(dir: string, letters: number): Promise<number> {
  const handle = openDatabase({ dataDir: dir });
  const blobs = new FsBlobStore(path.join(dir, 'blobs'));
  const audit = new AuditLog(handle.db, systemClock);
  const tree = path.join(dir, 'tree');
  let bytes = 0;
  try {
    await migrateToLatest(handle.db);
    await handle.db.insertInto('institutions').values({
      id: INSTITUTION, kind: 'school', name: 'Bench skola', reg_no: '4312900001', address: 'Skolas iela 1', email: 'b@example.lv',
      phone: null, register_prefix: '1-13', settings: '{}', created_at: '2026-01-01T00:00:00.000Z',
    }).execute();
    for (let i = 1; i <= letters; i++) {
      const createdAt = new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString();
      const material = randomBytes(100 * 1024);
      const pdf = Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(30 * 1024)]);
      const eml = Buffer.from(`Subject: Vēstule ${i}\r\n\r\n${pdf.toString('base64')}\r\n${material.toString('base64')}\r\n`);
      const [m, p, e] = [await blobs.put(material), await blobs.put(pdf), await blobs.put(eml)];
      const caseId = randomUUID();
      const attachmentId = randomUUID();
      const letterId = randomUUID();
      const reg = `1-13/2026/${i}`;
      await handle.db.transaction().execute(async (trx) => {
        await trx.insertInto('cases').values({ id: caseId, institution_id: INSTITUTION, external_reference: null, data: '{}', child_name_hash: null, created_by: 'bench', created_at: createdAt, purged_at: null }).execute();
        await trx.insertInto('attachments').values({ id: attachmentId, case_id: caseId, institution_id: INSTITUTION, filename: 'raksturojums.pdf', content_type: 'application/pdf', size: material.length, sha256: m.sha256, blob_key: m.key, created_by: 'bench', created_at: createdAt, purged_at: null }).execute();
        await trx.insertInto('letters').values({
          id: letterId, institution_id: INSTITUTION, case_id: caseId, recipient_key: 'social_service',
          recipient: JSON.stringify({ key: 'social_service', name: 'Sociālais dienests', dative: 'Sociālajam dienestam', emails: ['sd@example.lv'] }),
          grounds: '["social_problems_in_family"]', attachment_ids: JSON.stringify([attachmentId]), registration_number: reg, reg_year: 2026, reg_seq: i,
          status: 'sent', template_id: 't', template_version: '1', pdf_key: p.key, pdf_sha256: p.sha256, pdf_size: pdf.length, draft_sha256: p.sha256,
          created_by: 'bench', created_at: createdAt, updated_at: createdAt, signed_at: createdAt, signed_by: 'bench', timestamp: null, queued_at: createdAt,
          message_id: `<${letterId}@bench>`, attempts: 1, next_attempt_at: null, locked_until: null, last_error: null, smtp_response: '250 OK',
          eml_key: e.key, eml_sha256: e.sha256, transport: 'capture', sent_at: createdAt, cancelled_at: null, cancel_reason: null,
        }).execute();
        for (const action of ['letter.rendered', 'letter.signed', 'letter.sent'] as const) {
          await audit.record({ action, actor: 'bench', institutionId: INSTITUTION, object: { type: 'letter', id: letterId } }, trx);
        }
      });
      // The same files, laid out for `zip -r` (hard links: no copying).
      const folder = path.join(tree, letterFolder(reg));
      fs.mkdirSync(path.join(folder, 'materials'), { recursive: true });
      fs.linkSync(blobPath(dir, p.key), path.join(folder, 'letter.pdf'));
      fs.linkSync(blobPath(dir, m.key), path.join(folder, 'materials', '01-raksturojums.pdf'));
      fs.linkSync(blobPath(dir, e.key), path.join(folder, 'message.eml'));
      bytes += material.length + pdf.length + eml.length;
    }
  } finally {
    await handle.close();
  }
  return bytes;
}

function blobPath(dir: string, key: string): string {
  return path.join(dir, 'blobs', key.slice(0, 2), key.slice(2, 4), key);
}

/** In a fresh process: one export, its time and its RSS high-water. */
async function child(dir: string, tsaDir: string, to: string): Promise<void> {
  const handle = openDatabase({ dataDir: dir });
  const tsa = createOpensslTsa('Bench TSA', tsaDir);
  const audit = new AuditLog(handle.db, systemClock);
  audit.useTimestamps({ tsa, verifier: tsa });
  const out = process.env.BENCH_OUT ?? path.join(dir, `export-${process.pid}.zip`);
  const started = process.hrtime.bigint();
  const prepared = await prepareExport(
    { db: handle.db, blobs: new FsBlobStore(path.join(dir, 'blobs')), sealer: plainSealer, clock: systemClock, audit, metrics: new Metrics(), logger: pino({ level: 'silent' }) },
    { institutionId: INSTITUTION, filters: { to }, by: 'bench' },
  );
  const result = await prepared.writeTo(fs.createWriteStream(out));
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  await handle.close();
  if (!process.env.BENCH_OUT) fs.rmSync(out);
  process.stdout.write(`${JSON.stringify({ letters: result.lettersDone, bytes: result.bytesWritten, ms, maxRssKb: process.resourceUsage().maxRSS })}\n`);
}

function runChild(dir: string, tsaDir: string, to: string): { letters: number; bytes: number; ms: number; maxRssKb: number } {
  const res = spawnSync(process.execPath, ['--import', 'tsx', __filename, '--child', dir, tsaDir, to], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (res.status !== 0) throw new Error(`export child failed: ${res.stderr}`);
  return JSON.parse(res.stdout.trim().split('\n').pop()!) as { letters: number; bytes: number; ms: number; maxRssKb: number };
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sutne-bench-export-'));
  const tsa = createOpensslTsa('Bench TSA');
  try {
    const largest = Math.max(...SIZES);
    const inputBytes = await setUp(dir, largest);
    const toOf = (n: number) => new Date(Date.UTC(2026, 0, 1) + n * 60_000).toISOString();
    const runs = SIZES.map((n) => ({ n, ...runChild(dir, tsa.dir, toOf(n)) }));
    const full = runs.find((r) => r.n === largest)!;
    if (full.letters !== largest) throw new Error(`exported ${full.letters} letters, expected ${largest}`);

    const zipOut = path.join(dir, 'baseline.zip');
    const started = process.hrtime.bigint();
    execFileSync('zip', ['-0', '-r', '-q', zipOut, 'letters'], { cwd: path.join(dir, 'tree') });
    const zipMs = Number(process.hrtime.bigint() - started) / 1e6;

    const mbps = (bytes: number, ms: number) => bytes / 1e6 / (ms / 1000);
    report({ name: `export of ${largest} letters (100 KB material each), throughput`, value: mbps(inputBytes, full.ms), unit: 'MB/s', baseline: mbps(inputBytes, zipMs) });
    report({ name: `export of ${largest} letters, wall time`, value: full.ms, unit: 'ms', baseline: zipMs });
    const small = runs.find((r) => r.n === Math.min(...SIZES))!;
    report({ name: `export peak RSS at ${small.n} letters`, value: small.maxRssKb / 1024, unit: 'MB' });
    report({ name: `export peak RSS at ${largest} letters (baseline: at ${small.n})`, value: full.maxRssKb / 1024, unit: 'MB', baseline: small.maxRssKb / 1024 });
  } finally {
    tsa.cleanup();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--child') void child(process.argv[3]!, process.argv[4]!, process.argv[5]!);
else if (process.argv[2] === '--setup') void setUp(process.argv[3]!, Number(process.argv[4])).then((b) => console.log(b));
else void main();
