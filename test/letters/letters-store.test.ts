import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import { cliPrincipal } from '../../src/access';
import { loadConfig } from '../../src/config';
import { createDeps, type Deps } from '../../src/deps';
import { isAppError } from '../../src/errors';
import { addInstitution } from '../../src/institutions';
import { cancelLetter, createLetters, getLetter, openLetterPdf, type CaseForLetters } from '../../src/letters';
import { createTestDatabase, dialects, type TestDatabase } from '../support/databases';
import { storedCase } from './support/letter-cases';
import { institutions, repoRoot } from './support/letter-fixtures';

const run = promisify(execFile);

async function error(p: Promise<unknown>) {
  try {
    await p;
  } catch (err) {
    if (isAppError(err)) return err;
    throw err;
  }
  throw new Error('expected an error');
}

describe.each(dialects)('letters on %s', (dialect) => {
  let tdb: TestDatabase;
  let deps: Deps;
  let now: Date;
  const school = institutions.school.id;
  const clerk = cliPrincipal(school, 'clerk');

  beforeEach(async () => {
    tdb = await createTestDatabase(dialect);
    now = new Date('2026-11-25T10:00:00.000Z');
    deps = await createDeps(
      loadConfig({ SUTNE_ENV: 'test', DATA_DIR: tdb.dataDir, LOG_LEVEL: 'silent', ...(tdb.databaseUrl ? { DATABASE_URL: tdb.databaseUrl } : {}) }),
      { clock: { now: () => now } },
    );
    for (const i of Object.values(institutions)) await addInstitution(deps, i, 'test');
  });
  afterEach(async () => {
    await deps.close();
    await tdb.drop();
  });

  const numbers = async (institutionId = school) =>
    (await deps.db.selectFrom('letters').select('registration_number').where('institution_id', '=', institutionId).orderBy('reg_seq').execute()).map((r) => r.registration_number);
  const auditActions = async () => (await deps.db.selectFrom('audit_log').select('action').orderBy('n').execute()).map((r) => r.action);

  it('creates a draft per routed recipient with consecutive numbers, its PDF stored and the rendering audited', async () => {
    const c = await storedCase(deps, school, 'case-police');
    const letters = await createLetters(deps, clerk, c);
    expect(letters.map((l) => [l.recipient.key, l.registrationNumber, l.status])).toEqual([
      ['state_police', '1-13/2026/1', 'draft'],
      ['municipal_police', '1-13/2026/2', 'draft'],
    ]);
    const [police] = letters;
    expect(Object.keys(police!).sort()).toEqual(['attachments', 'attempts', 'caseId', 'createdAt', 'grounds', 'id', 'pdf', 'recipient', 'registrationNumber', 'status', 'template'].sort());
    expect(police).toMatchObject({
      caseId: c.id,
      recipient: { key: 'state_police', name: 'Valsts policija', emails: ['pasts@vp.gov.lv', 'kanc.aizkraukle@zemgale.vp.gov.lv'] },
      grounds: ['unlawful_conduct', 'internal_rules_violation'],
      template: { id: 'state-police', version: deps.letterTemplates.ref('state-police').version },
      attachments: c.attachments.map((a) => ({ id: a.id, filename: a.filename, sha256: a.sha256, size: a.size })),
      attempts: 0,
      createdAt: '2026-11-25T10:00:00.000Z',
    });
    const row = await deps.db.selectFrom('letters').selectAll().where('id', '=', police!.id).executeTakeFirstOrThrow();
    const pdf = await deps.blobs.get(row.pdf_key);
    expect(pdf.subarray(0, 8).toString()).toBe('%PDF-1.7');
    expect(police!.pdf).toEqual({ sha256: row.draft_sha256, size: pdf.length });
    expect(JSON.parse(row.recipient)).toMatchObject({ dative: 'Valsts policijai' });
    expect(await auditActions()).toEqual(expect.arrayContaining(['letter.rendered', 'letter.rendered']));
    const rendered = await deps.db.selectFrom('audit_log').select('details').where('action', '=', 'letter.rendered').execute();
    expect(JSON.parse(rendered[0]!.details)).toEqual({
      caseId: c.id, recipient: 'state_police', registrationNumber: '1-13/2026/1',
      templateId: 'state-police', templateVersion: police!.template.version, pdfSha256: police!.pdf.sha256, attachments: 2,
    });
    expect(await deps.metrics.registry.getSingleMetricAsString('sutne_letters_created_total')).toContain('sutne_letters_created_total 2');
  });

  it('writes the parents\' notice on request, listing no materials and to no e-mail address', async () => {
    const c = await storedCase(deps, school);
    const [notice] = await createLetters(deps, clerk, c, { recipients: ['parents'] });
    expect(notice).toMatchObject({ recipient: { key: 'parents', name: 'Līga Ķēniņa', emails: [] }, attachments: [], template: { id: 'parents-notice' } });
  });

  it('names every recipient it cannot write to, and writes nothing', async () => {
    const c = await storedCase(deps, school);
    const err = await error(createLetters(deps, clerk, c, { recipients: ['social_service', 'state_police', 'social_service'] }));
    expect(err.code).toBe('UNKNOWN_RECIPIENT');
    expect(err.details).toEqual([
      { path: 'recipients[1]', message: expect.stringContaining('the case was not routed to "state_police"') },
      { path: 'recipients[2]', message: 'is given twice' },
    ]);
    expect(await numbers()).toEqual([]);
  });

  it('refuses a second live letter to the same recipient, and gives its number back', async () => {
    const c = await storedCase(deps, school);
    const [first] = await createLetters(deps, clerk, c);
    const blobsBefore = await deps.blobs.has(first!.pdf.sha256);
    expect(blobsBefore).toBe(true);
    const err = await error(createLetters(deps, clerk, c));
    expect(err.code).toBe('CONFLICT');
    expect(err.message).toContain('Nr. 1-13/2026/1');
    await cancelLetter(deps, clerk, first!.id, 'Nosūtīts nepareizai iestādei.');
    const [second] = await createLetters(deps, clerk, c);
    expect(second!.registrationNumber).toBe('1-13/2026/2');
    expect(await numbers()).toEqual(['1-13/2026/1', '1-13/2026/2']);
  });

  it('rolls back every letter of a call, number and PDF, when one fails', async () => {
    const c = await storedCase(deps, school, 'case-police');
    let puts = 0;
    const stored: string[] = [];
    const failing = {
      ...deps,
      blobs: {
        ...deps.blobs,
        put: async (data: Buffer) => {
          if (++puts === 2) throw new Error('disk full');
          const b = await deps.blobs.put(data);
          stored.push(b.key);
          return b;
        },
        delete: (key: string) => deps.blobs.delete(key),
      },
    };
    await expect(createLetters(failing, clerk, c)).rejects.toThrow('disk full');
    expect(await numbers()).toEqual([]);
    expect(await deps.blobs.has(stored[0]!)).toBe(false);
    expect(await auditActions()).not.toContain('letter.rendered');
    const letters = await createLetters(deps, clerk, c);
    expect(letters.map((l) => l.registrationNumber)).toEqual(['1-13/2026/1', '1-13/2026/2']);
  });

  it('numbers per institution and per year (Latvian time)', async () => {
    const c = await storedCase(deps, school);
    await createLetters(deps, clerk, c);
    const sd = await storedCase(deps, institutions.social_service.id, 'case-family-not-cooperating');
    const [fromSd] = await createLetters(deps, cliPrincipal(institutions.social_service.id, 'clerk'), sd, { recipients: ['orphans_court'] });
    expect(fromSd!.registrationNumber).toBe('SD-2/2026/1');
    now = new Date('2026-12-31T22:30:00.000Z'); // already 1 January 2027 in Riga
    const [next] = await createLetters(deps, clerk, c, { recipients: ['parents'] });
    expect(next!.registrationNumber).toBe('1-13/2027/1');
  });

  it('gives unique, gapless numbers to letters created at the same time', async () => {
    const cases: CaseForLetters[] = [];
    for (let i = 0; i < 12; i++) cases.push(await storedCase(deps, school));
    const created = await Promise.all(cases.map((c) => createLetters(deps, clerk, c)));
    const seqs = created.flat().map((l) => Number(l.registrationNumber.split('/')[2])).sort((a, b) => a - b);
    expect(seqs).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
  });

  it('cancels a letter that will not go out, with the reason, and keeps it in the register', async () => {
    const c = await storedCase(deps, school);
    const [letter] = await createLetters(deps, clerk, c);
    // The reason may name people: it is stored through the sealer, as case data is.
    const seal = jest.spyOn(deps.sealer, 'seal').mockImplementation((text) => `sealed:${Buffer.from(text).toString('base64')}`);
    const open = jest.spyOn(deps.sealer, 'open').mockImplementation((text) => (text.startsWith('sealed:') ? Buffer.from(text.slice(7), 'base64').toString() : text));
    const cancelled = await cancelLetter(deps, clerk, letter!.id, 'Lieta atrisināta pirms nosūtīšanas.');
    expect(cancelled).toMatchObject({ id: letter!.id, status: 'cancelled', registrationNumber: '1-13/2026/1' });
    const row = await deps.db.selectFrom('letters').selectAll().where('id', '=', letter!.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'cancelled', cancelled_at: '2026-11-25T10:00:00.000Z' });
    expect(deps.sealer.open(row.cancel_reason!)).toBe('Lieta atrisināta pirms nosūtīšanas.');
    expect(row.cancel_reason).not.toContain('atrisināta');
    seal.mockRestore();
    open.mockRestore();
    expect(await cancelLetter(deps, clerk, letter!.id, 'Vēlreiz.')).toMatchObject({ status: 'cancelled' });
    const entries = await deps.db.selectFrom('audit_log').select(['action', 'details']).where('action', '=', 'letter.cancelled').execute();
    expect(entries).toHaveLength(1);
    expect(JSON.parse(entries[0]!.details)).toEqual({ registrationNumber: '1-13/2026/1', reasonLength: 'Lieta atrisināta pirms nosūtīšanas.'.length });
    expect((await getLetter(deps, clerk, letter!.id)).status).toBe('cancelled');
  });

  it('does not cancel a letter on its way or sent, nor another institution\'s', async () => {
    const c = await storedCase(deps, school);
    const [letter] = await createLetters(deps, clerk, c);
    for (const status of ['sending', 'sent']) {
      await deps.db.updateTable('letters').set({ status }).where('id', '=', letter!.id).execute();
      expect((await error(cancelLetter(deps, clerk, letter!.id, 'x'))).code).toBe('WRONG_STATE');
    }
    const other = cliPrincipal(institutions.social_service.id, 'clerk');
    expect((await error(cancelLetter(deps, other, letter!.id, 'x'))).code).toBe('LETTER_NOT_FOUND');
    expect((await error(getLetter(deps, other, letter!.id))).code).toBe('LETTER_NOT_FOUND');
    expect((await error(openLetterPdf(deps, other, letter!.id))).code).toBe('LETTER_NOT_FOUND');
  });

  it('records who read a letter\'s PDF', async () => {
    const c = await storedCase(deps, school);
    const [letter] = await createLetters(deps, clerk, c);
    const { stream, sha256 } = await openLetterPdf(deps, clerk, letter!.id);
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    expect(createHash('sha256').update(Buffer.concat(chunks)).digest('hex')).toBe(letter!.pdf.sha256);
    expect(sha256).toBe(letter!.pdf.sha256);
    expect(await auditActions()).toContain('letter.pdf_viewed');
  });

  if (dialect === 'postgres') {
    it('gives unique, gapless numbers to letters created by several processes at once', async () => {
      const processes = 3;
      const perProcess = 6;
      const batches: CaseForLetters[][] = [];
      for (let p = 0; p < processes; p++) {
        const batch: CaseForLetters[] = [];
        for (let i = 0; i < perProcess; i++) batch.push(await storedCase(deps, school));
        batches.push(batch);
      }
      const worker = path.join(__dirname, 'support', 'create-letters-worker.ts');
      const outputs = await Promise.all(
        batches.map((batch) =>
          run(process.execPath, ['--import', 'tsx', worker, tdb.databaseUrl!, tdb.dataDir, school, JSON.stringify(batch)], { cwd: repoRoot, maxBuffer: 1 << 20 }),
        ),
      );
      const fromWorkers = outputs.flatMap((o) => JSON.parse(o.stdout) as string[]);
      expect(fromWorkers).toHaveLength(processes * perProcess);
      const expected = Array.from({ length: processes * perProcess }, (_, i) => `1-13/2026/${i + 1}`);
      expect([...fromWorkers].sort((a, b) => Number(a.split('/')[2]) - Number(b.split('/')[2]))).toEqual(expected);
      expect(await numbers()).toEqual(expected);
      const counter = await deps.db.selectFrom('register_counters').selectAll().where('institution_id', '=', school).executeTakeFirstOrThrow();
      expect(counter).toMatchObject({ year: 2026, last_seq: processes * perProcess });
    }, 120_000);
  }
});
