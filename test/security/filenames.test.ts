import { simpleParser } from 'mailparser';
import { materialPath } from '../../src/export/archive-paths';
import { startCaseService, type CaseService } from '../cases/case-service';
import { exampleCase } from '../cases/scheme-fixture';
import * as files from '../cases/sample-files';
import { binary, tempFile, unzipAll } from '../export/support/archive';

/*
 * A work material's file name comes from the uploader. Path parts, NUL and other controls, and
 * direction overrides are taken out where the name is stored (and shown), where it names the mail
 * attachment, and where it names the file in an export archive — followed here through the real
 * upload, sign, send and export routes.
 */
const HOSTILE = [
  '../../../../etc/passwd.pdf',
  '..\\..\\windows\\win.ini.pdf',
  '/abs/path/ceļš.pdf',
  'nul\u0000byte.pdf',
  'rēķins\u202Efdp.exe.pdf',
  'zero\u200Bwidth\u2066isolate\u2069.pdf',
  'line\u2028sep\r\nBcc: x@evil.example.pdf',
  'CON.pdf',
  '...pdf',
];
// Controls (C0, C1), line separators, invisible and direction-changing characters, path separators.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff/\\]/;

describe('hostile material file names, from upload to mail and export', () => {
  let svc: CaseService;
  let signer: string;
  let auditor: string;
  beforeAll(async () => {
    svc = await startCaseService('sqlite');
    signer = await svc.apiKey(svc.schoolId, 'signer');
    auditor = await svc.apiKey(svc.schoolId, 'auditor');
  });
  afterAll(() => svc.close());

  it('are neutralised in storage, in the sent message and in the export archive', async () => {
    const created = await svc.postCase(exampleCase('social-problems'));
    expect(created.status).toBe(201);
    const caseId = created.body.id as string;
    const stored: Array<{ id: string; filename: string }> = [];
    for (const name of HOSTILE) {
      const res = await svc.request.post(`/api/v1/cases/${caseId}/attachments`).set(...svc.auth()).attach('file', await files.pdf(name), name);
      // A name the multipart parser cannot read at all is refused, naming the part; all others are kept, cleaned.
      if (res.status !== 201) {
        expect([name, res.status]).toEqual([name, 400]);
        continue;
      }
      stored.push(...(res.body as Array<{ id: string; filename: string }>));
    }
    expect(stored.length).toBeGreaterThanOrEqual(HOSTILE.length - 1);
    for (const { filename } of stored) {
      expect(filename).not.toMatch(UNSAFE);
      expect(filename).not.toMatch(/^\./);
      expect(filename).not.toMatch(/^(con|prn|aux|nul|com\d|lpt\d)(\.|$)/i);
    }

    const letters = await svc.request.post(`/api/v1/cases/${caseId}/letters`).set(...svc.auth()).send({ recipients: ['social_service'] });
    expect(letters.status).toBe(201);
    const letterId = letters.body[0].id as string;
    expect((await svc.request.post(`/api/v1/letters/${letterId}/sign`).set(...svc.auth(signer))).status).toBe(200);
    expect((await svc.request.post(`/api/v1/letters/${letterId}/send`).set(...svc.auth(signer))).status).toBe(202);
    await svc.deps.mail.outbox.runOnce();
    const row = await svc.deps.db.selectFrom('letters').selectAll().where('id', '=', letterId).executeTakeFirstOrThrow();
    expect(row.status).toBe('sent');

    const mail = await simpleParser(await svc.deps.blobs.get(row.eml_key!));
    const attached = mail.attachments.slice(1).map((a) => a.filename!);
    expect(attached).toHaveLength(stored.length);
    for (const name of attached) {
      expect(name).not.toMatch(UNSAFE);
      expect(name).not.toMatch(/^\./);
    }
    expect(mail.bcc).toBeUndefined();

    const exported = await svc.request.get('/api/v1/export').set(...svc.auth(auditor)).buffer(true).parse(binary);
    expect(exported.status).toBe(200);
    const entries = [...(await unzipAll(tempFile('e.zip', exported.body as Buffer))).keys()];
    const materials = entries.filter((e) => e.includes('/materials/'));
    expect(materials).toHaveLength(stored.length);
    for (const entry of entries) {
      expect(entry).not.toMatch(/^[/\\]|^[A-Za-z]:/);
      expect(entry.split('/')).not.toContain('..');
      expect(entry).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\\]/);
      expect(entry.split('/').pop()).not.toMatch(/^(con|prn|aux|nul|com\d|lpt\d)(\.|$)/i);
    }
    for (const m of materials) expect(m).toMatch(/^letters\/[^/]+\/materials\/\d\d-[^/]+$/);
  });

  it('are made safe for the archive even when stored unclean (materials kept from before names were cleaned)', () => {
    const folder = 'letters/1-13_2026_1/';
    expect(materialPath(folder, 0, '../../etc/passwd')).toBe(`${folder}materials/01-passwd`);
    expect(materialPath(folder, 1, 'C:\\Windows\\win.ini')).toBe(`${folder}materials/02-win.ini`);
    expect(materialPath(folder, 2, 'rēķins\u202Efdp.exe')).toBe(`${folder}materials/03-rēķins_fdp.exe`);
    expect(materialPath(folder, 3, 'a\u0000b\u0085c\u200Bd.pdf')).toBe(`${folder}materials/04-a_b_c_d.pdf`);
    expect(materialPath(folder, 4, 'CON.pdf')).toBe(`${folder}materials/05-_CON.pdf`);
    expect(materialPath(folder, 5, '..')).toBe(`${folder}materials/06-file`);
  });
});
