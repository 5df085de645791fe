import { randomBytes, randomUUID } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { main } from '../../src/cli/main';
import { purgeExpired, RetentionWorker } from '../../src/retention';
import { FakeClock, DAY } from '../support/clock';
import { dialects } from '../support/databases';
import { startTestService, type TestService } from '../support/service';

const childCase = { child: { fullName: 'Ģirts Ķēniņš', personalCode: '321099-10005', birthDate: '2014-03-09' }, situation: 'Ierodas bez pusdienām' };

/** A case with one work material and one letter, as the cases, letters and mail domains store them. */
async function seedCase(svc: TestService, institutionId: string, opts: { status?: string; material?: Buffer } = {}) {
  const { deps } = svc;
  const at = deps.clock.now().toISOString();
  const caseId = randomUUID();
  await deps.db.insertInto('cases').values({
    id: caseId, institution_id: institutionId, external_reference: 'SK-1', data: deps.sealer.seal(JSON.stringify(childCase)),
    routing: deps.sealer.seal(JSON.stringify({ recipients: ['social_service'], warnings: [] })),
    child_name_hash: 'a'.repeat(64), created_by: 'test', created_at: at, purged_at: null,
  }).execute();
  const material = await deps.blobs.put(opts.material ?? Buffer.from(`Ģirts Ķēniņš izziņa ${randomUUID()}`));
  const attachmentId = randomUUID();
  await deps.db.insertInto('attachments').values({
    id: attachmentId, case_id: caseId, institution_id: institutionId, filename: deps.sealer.seal('Ķēniņš-izziņa.pdf'), content_type: 'application/pdf',
    size: material.size, sha256: material.sha256, blob_key: material.key, created_by: 'test', created_at: at, purged_at: null,
  }).execute();
  const pdf = await deps.blobs.put(Buffer.from(`%PDF signed letter about Ģirts ${randomUUID()}`));
  const eml = await deps.blobs.put(Buffer.from(`Subject: Ģirts ${randomUUID()}`));
  const letterId = randomUUID();
  const seq = Math.floor(Math.random() * 1e9);
  await deps.db.insertInto('letters').values({
    id: letterId, institution_id: institutionId, case_id: caseId, recipient_key: 'social_service', recipient: '{}', grounds: '[]',
    attachment_ids: JSON.stringify([attachmentId]), registration_number: `1-13/2020/${seq}`, reg_year: 2020, reg_seq: seq,
    status: opts.status ?? 'sent', template_id: 't', template_version: '1', pdf_key: pdf.key, pdf_sha256: pdf.sha256, pdf_size: pdf.size,
    draft_sha256: 'd'.repeat(64), created_by: 'test', created_at: at, updated_at: at, eml_key: eml.key, eml_sha256: eml.sha256,
    cancel_reason: deps.sealer.seal('Ģirts pārcēlās uz citu novadu'),
  }).execute();
  return { caseId, attachmentId, letterId, blobs: [material.key, pdf.key, eml.key], pdfSha256: pdf.sha256 };
}

describe.each(dialects)('retention on %s', (dialect) => {
  let svc: TestService;
  let clock: FakeClock;
  let institutionId: string;
  beforeEach(async () => {
    clock = new FakeClock('2020-01-10T08:00:00.000Z');
    svc = await startTestService(dialect, { RETENTION_DAYS: '1825', DATA_KEY: randomBytes(32).toString('base64') }, { clock });
    institutionId = await svc.addInstitution();
  });
  afterEach(() => svc.close());

  it('deletes old case data, materials and letter files, keeping the register entry, the hashes and the audit chain', async () => {
    const old = await seedCase(svc, institutionId);
    const inFlight = await seedCase(svc, institutionId, { status: 'queued' });
    clock.advance(1000 * DAY);
    const recent = await seedCase(svc, institutionId);
    clock.advance(900 * DAY);

    const report = await purgeExpired(svc.deps);
    expect(report).toMatchObject({ cases: 1, attachments: 1, letters: 1, files: 3 });

    const db = svc.deps.db;
    const purgedCase = await db.selectFrom('cases').selectAll().where('id', '=', old.caseId).executeTakeFirstOrThrow();
    expect(purgedCase.purged_at).toBe(clock.now().toISOString());
    expect(purgedCase.child_name_hash).toBeNull();
    expect(JSON.parse(svc.deps.sealer.open(purgedCase.data))).toEqual({ purged: true, purgedAt: clock.now().toISOString() });
    expect(JSON.parse(svc.deps.sealer.open(purgedCase.routing))).toEqual({ purged: true, purgedAt: clock.now().toISOString() });
    const attachment = await db.selectFrom('attachments').selectAll().where('id', '=', old.attachmentId).executeTakeFirstOrThrow();
    expect(attachment.purged_at).toBe(clock.now().toISOString());
    expect(svc.deps.sealer.open(attachment.filename)).toBe('[purged]');
    for (const key of old.blobs) expect(await svc.deps.blobs.has(key)).toBe(false);

    const letter = await db.selectFrom('letters').selectAll().where('id', '=', old.letterId).executeTakeFirstOrThrow();
    expect(letter).toMatchObject({ status: 'sent', pdf_sha256: old.pdfSha256, registration_number: expect.stringMatching(/^1-13\/2020\//), purged_at: clock.now().toISOString() });
    expect(letter.cancel_reason).toBeNull();

    const audit = await db.selectFrom('audit_log').selectAll().where('action', '=', 'case.purged').execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ institution_id: institutionId, actor: 'system:retention', object_id: old.caseId });
    expect(JSON.parse(audit[0]!.details)).toEqual({ attachments: 1, letters: 1, retentionDays: 1825 });
    expect((await svc.deps.audit.verify()).valid).toBe(true);

    // A letter still in the outbox, and a case inside the period, keep everything.
    for (const kept of [inFlight, recent]) {
      const row = await db.selectFrom('cases').select(['purged_at', 'data']).where('id', '=', kept.caseId).executeTakeFirstOrThrow();
      expect(row.purged_at).toBeNull();
      expect(JSON.parse(svc.deps.sealer.open(row.data))).toEqual(childCase);
      for (const key of kept.blobs) expect(await svc.deps.blobs.has(key)).toBe(true);
    }

    // Again: nothing more to do, nothing audited twice.
    expect(await purgeExpired(svc.deps)).toMatchObject({ cases: 0, files: 0 });
    expect(await db.selectFrom('audit_log').select('n').where('action', '=', 'case.purged').execute()).toHaveLength(1);

    // Once delivery has ended and the period has passed since, the other case goes too.
    await db.updateTable('letters').set({ status: 'sent', updated_at: clock.now().toISOString() }).where('id', '=', inFlight.letterId).execute();
    expect((await purgeExpired(svc.deps)).cases).toBe(0);
    clock.advance(1826 * DAY);
    expect((await purgeExpired(svc.deps)).cases).toBe(2);
  });

  it('runs as a background worker, and stops cleanly', async () => {
    const old = await seedCase(svc, institutionId);
    clock.advance(1826 * DAY);
    const worker = new RetentionWorker(svc.deps, { intervalMs: 60_000, firstRunMs: 0 });
    worker.start();
    for (let i = 0; i < 100; i++) {
      const row = await svc.deps.db.selectFrom('cases').select('purged_at').where('id', '=', old.caseId).executeTakeFirstOrThrow();
      if (row.purged_at) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    await worker.stop();
    expect((await svc.deps.db.selectFrom('cases').select('purged_at').where('id', '=', old.caseId).executeTakeFirstOrThrow()).purged_at).not.toBeNull();
    expect(svc.deps.workers.map((w) => w.name)).toContain('retention');
  });
});

describe('retention without encryption (content-addressed files are shared)', () => {
  it('keeps a stored file another live case still uses', async () => {
    const clock = new FakeClock('2020-01-10T08:00:00.000Z');
    const svc = await startTestService('sqlite', {}, { clock });
    try {
      const institutionId = await svc.addInstitution();
      const shared = Buffer.from('the same scanned form, uploaded twice');
      const old = await seedCase(svc, institutionId, { material: shared });
      clock.advance(1000 * DAY);
      const recent = await seedCase(svc, institutionId, { material: shared });
      expect(recent.blobs[0]).toBe(old.blobs[0]);
      clock.advance(900 * DAY);
      const report = await purgeExpired(svc.deps);
      expect(report).toMatchObject({ cases: 1, files: 2 });
      expect(await svc.deps.blobs.has(old.blobs[0]!)).toBe(true);
      expect(await svc.deps.blobs.has(old.blobs[1]!)).toBe(false);
    } finally {
      await svc.close();
    }
  });
});

describe('sutne retention run', () => {
  it('counts with --dry-run, then purges and reports', async () => {
    const svc = await startTestService('sqlite', { RETENTION_DAYS: '30' });
    try {
      const institutionId = await svc.addInstitution();
      await seedCase(svc, institutionId);
      await svc.deps.db.updateTable('cases').set({ created_at: '2020-01-01T00:00:00.000Z' }).execute();
      await svc.deps.db.updateTable('letters').set({ updated_at: '2020-01-01T00:00:00.000Z' }).execute();
      const run = async (args: string[]) => {
        const stdout = new PassThrough();
        let out = '';
        stdout.on('data', (d: Buffer) => (out += d.toString()));
        const code = await main(['node', 'sutne', 'retention', 'run', ...args], {
          env: { DATA_DIR: svc.db.dataDir, LOG_LEVEL: 'silent', RETENTION_DAYS: '30' }, stdout, stderr: new PassThrough(),
        });
        return { code, out };
      };
      expect(await run(['--dry-run'])).toEqual({ code: 0, out: '1 case(s) are older than the retention period and would be purged.\n' });
      const done = await run([]);
      expect(done.code).toBe(0);
      expect(done.out).toMatch(/^Purged 1 case\(s\): 1 work material\(s\), 1 letter\(s\); deleted 3 stored file\(s\)/);
      expect((await run(['--dry-run'])).out).toMatch(/^0 case/);
    } finally {
      await svc.close();
    }
  });
});
