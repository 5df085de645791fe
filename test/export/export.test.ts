import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import type { Manifest } from '../../src/export';
import { createOpensslTsa, type OpensslTsa } from '../audit/support/openssl-tsa';
import { dialects } from '../support/databases';
import { schoolInstitution, startTestService, type TestService } from '../support/service';
import { binary, tempFile, unzipAll } from './support/archive';
import { insertFixtureLetter, sha256, type FixtureLetter } from './support/fixtures';

const SECRET = 'CITA-SKOLA-NEDRĪKST-PARĀDĪTIES';

describe.each(dialects)('bulk export (GET /api/v1/export) on %s', (dialect) => {
  let svc: TestService;
  let tsa: OpensslTsa;
  let school: string;
  let other: string;
  let auditor: string;
  const sent: FixtureLetter[] = [];
  let failed: FixtureLetter;
  const foreign: FixtureLetter[] = [];

  beforeAll(async () => {
    tsa = createOpensslTsa();
    svc = await startTestService(dialect);
    svc.deps.audit.useTimestamps({ tsa, verifier: tsa });
    school = await svc.addInstitution();
    other = await svc.addInstitution({ ...schoolInstitution, id: 'cita-skola', registerPrefix: '2-1' });
    auditor = await svc.apiKey(school, 'auditor');
    sent.push(await insertFixtureLetter(svc.deps, {
      institutionId: school, createdAt: '2026-03-02T09:00:00.000Z',
      materials: [
        { filename: 'Sociālā pedagoga ziņojums.pdf', content: Buffer.from('ziņojums '.repeat(1000)) },
        { filename: '../../etc/passwd', content: Buffer.from('not a path') },
      ],
    }));
    sent.push(await insertFixtureLetter(svc.deps, { institutionId: school, createdAt: '2026-03-03T09:00:00.000Z', recipientKey: 'state_police' }));
    const purged = await insertFixtureLetter(svc.deps, {
      institutionId: school, createdAt: '2026-03-04T09:00:00.000Z', materials: [{ filename: 'vecs.pdf', content: Buffer.from('old') }],
    });
    await svc.deps.db.updateTable('attachments').set({ purged_at: '2031-03-04T00:00:00.000Z' }).where('id', '=', purged.attachmentIds[0]!).execute();
    sent.push(purged);
    failed = await insertFixtureLetter(svc.deps, { institutionId: school, status: 'failed', createdAt: '2026-03-05T09:00:00.000Z' });
    await insertFixtureLetter(svc.deps, { institutionId: school, status: 'draft', createdAt: '2026-03-06T09:00:00.000Z' });
    for (let i = 0; i < 2; i++) {
      foreign.push(await insertFixtureLetter(svc.deps, {
        institutionId: other, createdAt: `2026-03-0${i + 2}T10:00:00.000Z`, pdf: Buffer.from(`%PDF ${SECRET}`), eml: Buffer.from(`Subject: ${SECRET}\r\n\r\n`),
        materials: [{ filename: `${SECRET}.pdf`, content: Buffer.from(SECRET) }],
      }));
    }
  });
  afterAll(async () => {
    await svc.close();
    tsa.cleanup();
  });

  const exportZip = async (query = '', key = auditor) => {
    const res = await svc.request.get(`/api/v1/export${query}`).set('Authorization', `Bearer ${key}`).buffer(true).parse(binary);
    return { res, body: res.body as Buffer };
  };

  it("streams a ZIP of the institution's sent letters that unzip accepts, every file listed with its SHA-256", async () => {
    const { res, body } = await exportZip();
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/zip');
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="sutne-daugavkrasta-pamatskola-\d{4}-\d{2}-\d{2}\.zip"$/);
    const file = tempFile('export.zip', body);
    expect(execFileSync('unzip', ['-tq', file]).toString()).toMatch(/No errors detected/);

    const files = await unzipAll(file);
    const manifest = JSON.parse(files.get('manifest.json')!.toString()) as Manifest;
    expect(manifest.letters.map((l) => l.id)).toEqual(sent.map((l) => l.id));
    expect(manifest.institution).toEqual({ id: school, name: schoolInstitution.name, regNo: schoolInstitution.regNo });
    expect(manifest.filters).toEqual({ status: 'sent' });
    const listed = new Set(manifest.files.map((f) => f.path));
    expect([...files.keys()].filter((n) => n !== 'manifest.json').sort()).toEqual([...listed].sort());
    for (const f of manifest.files) expect({ path: f.path, sha256: sha256(files.get(f.path)!), size: files.get(f.path)!.length }).toEqual(f);
    expect(manifest.summary).toEqual({ letters: 3, files: manifest.files.length, bytes: manifest.files.reduce((s, f) => s + f.size, 0), problems: 1 });

    const folder = `letters/${sent[0]!.registrationNumber.replace(/\//g, '_')}/`;
    expect([...files.keys()].filter((n) => n.startsWith(folder)).sort()).toEqual([
      `${folder}letter.json`, `${folder}letter.pdf`, `${folder}materials/01-Sociālā pedagoga ziņojums.pdf`, `${folder}materials/02-passwd`, `${folder}message.eml`,
    ]);
    expect(files.get(`${folder}materials/01-Sociālā pedagoga ziņojums.pdf`)!.toString()).toBe('ziņojums '.repeat(1000));
    const meta = JSON.parse(files.get(`${folder}letter.json`)!.toString());
    expect(meta.letter).toMatchObject({ id: sent[0]!.id, registrationNumber: sent[0]!.registrationNumber, status: 'sent' });
    expect(meta.files.pdf.sha256).toBe(sha256(files.get(`${folder}letter.pdf`)!));
    expect(meta.files.message.sha256).toBe(sha256(files.get(`${folder}message.eml`)!));
    expect(meta.auditEntries.length).toBe(6); // two materials uploaded, rendered, signed, queued, sent
    const purged = manifest.letters[2]!;
    expect(purged.problems).toEqual([{ code: 'MATERIAL_PURGED', message: expect.stringContaining('vecs.pdf') }]);
    expect(purged.materials).toEqual([]);
  });

  it('writes manifest.csv as UTF-8 with a BOM, a row per letter', async () => {
    const files = await unzipAll(tempFile('e.zip', (await exportZip()).body));
    const csv = files.get('manifest.csv')!;
    expect([...csv.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows = csv.toString('utf8').slice(1).trim().split('\r\n');
    expect(rows[0]).toBe('registration_number;letter_id;status;recipient_key;recipient;registered_at;signed_at;sent_at;folder;pdf_sha256;message_sha256;metadata_sha256;materials;problems');
    expect(rows.slice(1).map((r) => r.split(';')[1])).toEqual(sent.map((l) => l.id));
    expect(rows[1]).toContain(`Sociālā pedagoga ziņojums.pdf ${sha256(Buffer.from('ziņojums '.repeat(1000)))}`);
  });

  it('holds the audit chain up to a TSA time-stamp made for this export, and records the export with counts', async () => {
    const { res, body } = await exportZip('?status=sent,failed&from=2026-03-01');
    const files = await unzipAll(tempFile('e.zip', body));
    const manifest = JSON.parse(files.get('manifest.json')!.toString()) as Manifest;
    expect(manifest.letters.map((l) => l.id)).toEqual([...sent.map((l) => l.id), failed.id]);
    const chain = files.get('audit/chain.jsonl')!.toString().trim().split('\n').map((l) => JSON.parse(l));
    expect(chain.length).toBe(manifest.audit.chainEntries);
    const entry = chain.find((e) => e.n === manifest.audit.exportEntry);
    expect(entry).toMatchObject({ action: 'export.created', objectType: 'export', objectId: res.headers['x-export-id'], details: { letters: 4, status: 'sent,failed', from: '2026-03-01' } });
    expect(chain.every((e) => e.institutionId === school)).toBe(true);
    const anchors = JSON.parse(files.get('audit/anchors.json')!.toString());
    const mine = anchors.find((a: { id: string }) => a.id === manifest.audit.anchorId);
    expect(mine).toMatchObject({ n: manifest.audit.chainEntries, headHash: chain[chain.length - 1].hash });
    expect(createHash('sha256').update(mine.statement).digest('hex')).toBe(mine.digest);
    expect((await tsa.verifyToken(files.get(mine.file)!, Buffer.from(mine.digest, 'hex'))).ok).toBe(true);
    expect(files.get('README.txt')!.toString()).toMatch(/Kā pārbaudīt[\s\S]*How to check it[\s\S]*sutne export verify/);

    const job = await svc.request.get(`/api/v1/exports/${res.headers['x-export-id']}`).set('Authorization', `Bearer ${auditor}`);
    expect(job.body).toMatchObject({ state: 'done', lettersTotal: 4, lettersDone: 4, bytesWritten: body.length, sha256: sha256(body), errorCode: null });
    expect((await svc.request.get('/metrics')).text).toMatch(/sutne_exports_total [1-9]/);
  });

  it("never lets anything of another institution in, and the other institution's auditor gets only its own", async () => {
    const files = await unzipAll(tempFile('e.zip', (await exportZip('?status=sent,failed,draft,signed,queued,cancelled')).body));
    const everything = Buffer.concat([...files.entries()].map(([n, d]) => Buffer.concat([Buffer.from(n), d]))).toString('utf8');
    expect(everything).not.toContain(SECRET);
    for (const f of foreign) {
      expect(everything).not.toContain(f.id);
      expect(everything).not.toContain(f.caseId);
    }
    expect(everything).not.toContain(other);

    const theirs = await unzipAll(tempFile('t.zip', (await exportZip('', await svc.apiKey(other, 'auditor'))).body));
    const manifest = JSON.parse(theirs.get('manifest.json')!.toString()) as Manifest;
    expect(manifest.letters.map((l) => l.id)).toEqual(foreign.map((l) => l.id));
    const all = [...theirs.values()].map((d) => d.toString('utf8')).join('');
    for (const l of [...sent, failed]) expect(all).not.toContain(l.id);
  });

  it('lets a web page follow an export by an id it chose, which cannot be used twice', async () => {
    const exportId = '0b7d6d3e-2f4c-4d59-9d0e-3f1a5f6f7a10';
    expect((await exportZip(`?exportId=${exportId}`)).res.headers['x-export-id']).toBe(exportId);
    const list = await svc.request.get('/api/v1/exports').set('Authorization', `Bearer ${auditor}`);
    expect(list.body.items.find((e: { id: string }) => e.id === exportId)).toMatchObject({ state: 'done', lettersDone: 3 });
    const again = await exportZip(`?exportId=${exportId}`);
    expect(again.res.status).toBe(409);
    expect(JSON.parse(again.body.toString()).error.details).toEqual([{ path: 'exportId', message: 'is already used' }]);
    const otherAuditor = await svc.apiKey(other, 'auditor');
    expect((await svc.request.get(`/api/v1/exports/${exportId}`).set('Authorization', `Bearer ${otherAuditor}`)).status).toBe(404);
  });

  it('refuses roles without export:create, bad filters, and answers 503 with nothing made when the TSA is down', async () => {
    expect((await exportZip('', await svc.apiKey(school, 'clerk'))).res.status).toBe(403);
    const bad = await exportZip('?status=lost&to=soon');
    expect(bad.res.status).toBe(400);
    expect(JSON.parse(bad.body.toString()).error.details.map((d: { path: string }) => d.path).sort()).toEqual(['status[0]', 'to']);
    tsa.down = true;
    try {
      const down = await exportZip();
      expect(down.res.status).toBe(503);
      expect(JSON.parse(down.body.toString()).error.code).toBe('TSA_UNAVAILABLE');
    } finally {
      tsa.down = false;
    }
    const latest = (await svc.request.get('/api/v1/exports?limit=1').set('Authorization', `Bearer ${auditor}`)).body.items[0];
    expect(latest).toMatchObject({ state: 'failed', errorCode: 'TSA_UNAVAILABLE' });
  });
});
