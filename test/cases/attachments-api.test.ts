import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { dialects } from '../support/databases';
import { schoolInstitution } from '../support/service';
import { sha256, startCaseService, type CaseService } from './case-service';
import * as files from './sample-files';

describe.each(dialects)('work materials on %s', (dialect) => {
  let svc: CaseService;
  let caseId: string;
  beforeAll(async () => {
    svc = await startCaseService(dialect);
  });
  beforeEach(async () => {
    caseId = (await svc.postCase()).body.id;
  });
  afterAll(() => svc.close());

  const upload = (parts: Array<[Buffer, string]>, id = caseId, key = svc.clerk) => {
    let req = svc.request.post(`/api/v1/cases/${id}/attachments`).set('Authorization', `Bearer ${key}`);
    for (const [content, name] of parts) req = req.attach('file', content, name);
    return req;
  };
  const rows = () => svc.deps.db.selectFrom('attachments').selectAll().where('case_id', '=', caseId).execute();

  it('accepts every allowed type by its content, with its SHA-256 and the name as uploaded', async () => {
    const pdf = await files.pdf();
    const samples: Array<[Buffer, string, string]> = [
      [pdf, 'Ģirta ziņojums.pdf', 'application/pdf'],
      [files.png, 'attēls.png', 'image/png'],
      [files.jpeg, 'foto.jpg', 'image/jpeg'],
      [await files.docx(), 'vēstule.docx', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'],
      [await files.xlsx(), 'kavējumi.xlsx', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
      [await files.odt(), 'protokols.odt', 'application/vnd.oasis.opendocument.text'],
      [await files.ods(), 'tabula.ods', 'application/vnd.oasis.opendocument.spreadsheet'],
      [Buffer.from('Sarunas pieraksts: viss kārtībā.\r\n'), 'pieraksts.txt', 'text/plain'],
    ];
    const res = await upload(samples.map(([b, n]) => [b, n]));
    expect(res.status).toBe(201);
    expect(res.body).toEqual(
      samples.map(([b, name, contentType]) => ({ id: expect.any(String), filename: name, contentType, size: b.length, sha256: sha256(b), createdAt: expect.any(String) })),
    );
    expect(await rows()).toHaveLength(samples.length);
    const audit = await svc.deps.db.selectFrom('audit_log').selectAll().where('action', '=', 'attachment.uploaded').where('object_id', '=', res.body[0].id).execute();
    expect(JSON.parse(audit[0]!.details)).toEqual({ caseId, contentType: 'application/pdf', size: pdf.length, sha256: sha256(pdf) });
  });

  it('refuses an executable renamed .pdf with 415, whatever the name and declared type say', async () => {
    const res = await svc.request
      .post(`/api/v1/cases/${caseId}/attachments`)
      .set(...svc.auth())
      .attach('file', files.exe(), { filename: 'ziņojums.pdf', contentType: 'application/pdf' });
    expect(res.status).toBe(415);
    expect(res.body.error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    expect(res.body.error.message).toContain('“exe”');
    expect(res.body.error.details).toEqual([{ path: 'file[0]', message: expect.stringContaining('ziņojums.pdf') }]);
    expect(await rows()).toEqual([]);
  });

  it.each([
    ['a zip archive', files.plainZip, /ZIP arhīvs/],
    ['a Word document with macros', files.docm, /ar makrosiem/],
  ])('refuses %s named .docx', async (_what, make, message) => {
    const res = await upload([[await make(), 'dokuments.docx']]);
    expect(res.status).toBe(415);
    expect(res.body.error.message).toMatch(message);
  });

  it('takes text only when it is UTF-8 without control characters, whatever it starts with', async () => {
    const looksLikeBmp = Buffer.from('BM ziņojums par kavējumiem\n');
    expect((await upload([[looksLikeBmp, 'bm.txt']])).body[0].contentType).toBe('text/plain');
    expect((await upload([[Buffer.from([0x68, 0xe9, 0x6c, 0x6c, 0x6f]), 'latin1.txt']])).status).toBe(415);
    expect((await upload([[Buffer.from('teksts\u0000ar nulli'), 'nulle.txt']])).status).toBe(415);
  });

  it('gives a name the extension of what the file really is', async () => {
    const res = await upload([[files.png, 'skenējums.pdf'], [Buffer.from('piezīmes'), 'piezīmes']]);
    expect(res.body.map((a: { filename: string }) => a.filename)).toEqual(['skenējums.png', 'piezīmes.txt']);
  });

  it('refuses an empty file and a request without files', async () => {
    const empty = await upload([[Buffer.alloc(0), 'tukšs.txt']]);
    expect(empty.status).toBe(400);
    expect(empty.body.error.message).toContain('ir tukšs');
    const none = await svc.request.post(`/api/v1/cases/${caseId}/attachments`).set(...svc.auth()).field('note', 'x');
    expect(none.status).toBe(400);
    const noBody = await svc.request.post(`/api/v1/cases/${caseId}/attachments`).set(...svc.auth());
    expect(noBody.status).toBe(415);
  });

  it('keeps all files of a request or none: a bad second file removes the first', async () => {
    const fresh = await files.pdf(`vienreizējs ${caseId}`);
    const res = await upload([[fresh, 'labs.pdf'], [files.exe(), 'slikts.pdf']]);
    expect(res.status).toBe(415);
    expect(res.body.error.details[0].path).toBe('file[1]');
    expect(await rows()).toEqual([]);
    expect(await svc.deps.blobs.has(sha256(fresh))).toBe(false);
    expect(svc.tmpFiles()).toEqual([]);
  });

  it('never removes bytes another work material shares', async () => {
    const shared = await files.pdf(`kopīgs ${caseId}`);
    expect((await upload([[shared, 'pirmais.pdf']])).status).toBe(201);
    const res = await upload([[shared, 'otrais.pdf'], [files.exe(), 'slikts.pdf']]);
    expect(res.status).toBe(415);
    expect(await svc.deps.blobs.has(sha256(shared))).toBe(true);
    expect(await rows()).toHaveLength(1);
  });

  it('downloads a work material as uploaded, audited, with its name and digest', async () => {
    const pdf = await files.pdf('lejupielāde');
    const [stored] = (await upload([[pdf, 'Ģirta ziņojums.pdf']])).body;
    const res = await svc.request
      .get(`/api/v1/cases/${caseId}/attachments/${stored.id}`)
      .set(...svc.auth())
      .buffer(true)
      .parse((r, done) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c)).on('end', () => done(null, Buffer.concat(chunks)));
      });
    expect(res.status).toBe(200);
    expect(Buffer.compare(res.body as Buffer, pdf)).toBe(0);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.headers['content-disposition']).toBe(`attachment; filename="?irta zi?ojums.pdf"; filename*=UTF-8''%C4%A2irta%20zi%C5%86ojums.pdf`);
    expect(res.headers['repr-digest']).toBe(`sha-256=:${Buffer.from(sha256(pdf), 'hex').toString('base64')}:`);
    const audit = await svc.deps.db.selectFrom('audit_log').selectAll().where('action', '=', 'attachment.downloaded').where('object_id', '=', stored.id).execute();
    expect(audit).toHaveLength(1);
    const read = await svc.request.get(`/api/v1/cases/${caseId}`).set(...svc.auth());
    expect(read.body.attachments).toEqual([stored]);
  });

  it("answers another institution's case and its files as not found", async () => {
    const [stored] = (await upload([[files.png, 'a.png']])).body;
    const otherId = await svc.addInstitution({ ...schoolInstitution, id: `cita-${dialect}-${Date.now()}`, registerPrefix: '9' });
    const other = await svc.apiKey(otherId, 'clerk');
    expect((await upload([[files.png, 'b.png']], caseId, other)).status).toBe(404);
    expect((await svc.request.get(`/api/v1/cases/${caseId}/attachments/${stored.id}`).set(...svc.auth(other))).status).toBe(404);
    expect((await svc.request.get(`/api/v1/cases/${caseId}/attachments/nav`).set(...svc.auth())).status).toBe(404);
  });

  it('leaves nothing behind when the upload is aborted half-way', async () => {
    const server = svc.app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const { port } = server.address() as AddressInfo;
    const boundary = 'sutneboundary';
    const req = http.request({
      host: '127.0.0.1', port, method: 'POST', path: `/api/v1/cases/${caseId}/attachments`,
      headers: { Authorization: `Bearer ${svc.clerk}`, 'Content-Type': `multipart/form-data; boundary=${boundary}` },
    });
    req.on('error', () => undefined);
    const text = Buffer.alloc(256 * 1024, 'teksts ');
    req.write(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\nContent-Type: text/plain\r\n\r\n`);
    req.write(text);
    req.write(`\r\n--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="b.txt"\r\nContent-Type: text/plain\r\n\r\n`);
    req.write(text);
    // The first file is stored and the second is being written when the client goes away.
    await waitFor(async () => svc.tmpFiles().length > 0 && (await svc.deps.blobs.has(sha256(text))));
    req.destroy();
    await waitFor(async () => svc.tmpFiles().length === 0 && !(await svc.deps.blobs.has(sha256(text))));
    expect(await rows()).toEqual([]);
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });
});

describe('upload limits', () => {
  let svc: CaseService;
  let caseId: string;
  beforeAll(async () => {
    svc = await startCaseService('sqlite', { UPLOAD_MAX_FILE_BYTES: '1000', UPLOAD_MAX_CASE_BYTES: '2500', UPLOAD_MAX_FILES: '3' });
  });
  beforeEach(async () => {
    caseId = (await svc.postCase()).body.id;
  });
  afterAll(() => svc.close());

  const text = (n: number, fill = 'a') => Buffer.alloc(n, fill);
  const upload = (parts: Buffer[]) => {
    let req = svc.request.post(`/api/v1/cases/${caseId}/attachments`).set(...svc.auth());
    parts.forEach((p, i) => (req = req.attach('file', p, `fails-${i}.txt`)));
    return req;
  };
  const count = async () => (await svc.deps.db.selectFrom('attachments').select('id').where('case_id', '=', caseId).execute()).length;

  it('refuses a file over UPLOAD_MAX_FILE_BYTES with 413 naming the limit', async () => {
    expect((await upload([text(1000)])).status).toBe(201);
    const res = await upload([text(1001, 'b')]);
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('PAYLOAD_TOO_LARGE');
    expect(res.body.error.message).toContain('UPLOAD_MAX_FILE_BYTES');
  });

  it('refuses files that together pass UPLOAD_MAX_CASE_BYTES, counting what the case has', async () => {
    const res = await upload([text(900, 'c'), text(900, 'd'), text(900, 'e')]);
    expect(res.status).toBe(413);
    expect(res.body.error.message).toContain('UPLOAD_MAX_CASE_BYTES');
    expect(await count()).toBe(0);
    expect((await upload([text(900, 'c'), text(900, 'd')])).status).toBe(201);
    const more = await upload([text(800, 'f')]);
    expect(more.status).toBe(413);
    expect(more.body.error.message).toContain('UPLOAD_MAX_CASE_BYTES');
    expect(await count()).toBe(2);
  });

  it('refuses more files than UPLOAD_MAX_FILES, counting what the case has', async () => {
    const res = await upload([text(10, 'g'), text(10, 'h'), text(10, 'i'), text(10, 'j')]);
    expect(res.status).toBe(413);
    expect(res.body.error.message).toContain('UPLOAD_MAX_FILES');
    expect(await count()).toBe(0);
    expect((await upload([text(10, 'g'), text(10, 'h')])).status).toBe(201);
    const more = await upload([text(10, 'i'), text(10, 'j')]);
    expect(more.status).toBe(413);
    expect(more.body.error.message).toContain('UPLOAD_MAX_FILES');
    expect(await count()).toBe(2);
    expect(svc.tmpFiles()).toEqual([]);
  });
});

async function waitFor(condition: () => boolean | Promise<boolean>, ms = 5000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
}
