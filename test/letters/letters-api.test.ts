import { dialects } from '../support/databases';
import { startCaseService, socialServiceInstitution, type CaseService } from '../cases/case-service';
import { exampleCase } from '../cases/scheme-fixture';
import * as files from '../cases/sample-files';
import { registerYear } from '../../src/letters';
import { fold, pdfText } from './support/pdf-tools';

// The service runs on the real clock: numbers carry this year (in Latvian time).
const year = registerYear(new Date());

describe.each(dialects)('letters API on %s', (dialect) => {
  let svc: CaseService;
  let caseId: string;
  let attachmentIds: string[];
  beforeAll(async () => {
    svc = await startCaseService(dialect);
    const created = await svc.postCase(exampleCase('social-problems'));
    caseId = created.body.id;
    const up = await svc.request
      .post(`/api/v1/cases/${caseId}/attachments`)
      .set(...svc.auth())
      .attach('file', await files.pdf('sarunas'), 'Sarunu protokols Ģirts.pdf');
    attachmentIds = up.body.map((a: { id: string }) => a.id);
  });
  afterAll(() => svc.close());

  const post = (path: string, body: object, key?: string) => svc.request.post(`/api/v1${path}`).set(...svc.auth(key)).send(body);
  const get = (path: string, key?: string) => svc.request.get(`/api/v1${path}`).set(...svc.auth(key));

  it('creates a draft for each routed recipient, listing the work materials', async () => {
    const res = await post(`/cases/${caseId}/letters`, {});
    expect(res.status).toBe(201);
    expect(res.body).toHaveLength(1);
    const [letter] = res.body;
    expect(letter).toMatchObject({
      caseId,
      registrationNumber: `1-13/${year}/1`,
      recipient: { key: 'social_service', name: 'Aizkraukles novada Sociālais dienests', emails: ['soccentrs@aizkraukle.lv'] },
      grounds: ['social_problems_in_family'],
      status: 'draft',
      template: { id: 'social-service', version: expect.stringMatching(/^[0-9a-f]{64}$/) },
      pdf: { sha256: expect.stringMatching(/^[0-9a-f]{64}$/), size: expect.any(Number) },
      attempts: 0,
    });
    expect(letter.attachments.map((a: { id: string; filename: string }) => [a.id, a.filename])).toEqual([[attachmentIds[0], 'Sarunu protokols Ģirts.pdf']]);
    expect((await get(`/letters/${letter.id}`)).body).toEqual(letter);
  });

  it('serves the PDF with its digest, and records the read', async () => {
    const [letter] = (await get('/letters?limit=1')).body.items;
    const res = await get(`/letters/${letter.id}/pdf`).buffer(true).parse((r, done) => {
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(c));
      r.on('end', () => done(null, Buffer.concat(chunks)));
    });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.headers['content-disposition']).toBe(`inline; filename="1-13_${year}_1.pdf"`);
    expect(res.headers['cache-control']).toBe('private, no-store');
    const body = res.body as Buffer;
    expect(body.length).toBe(letter.pdf.size);
    const text = fold(pdfText(body));
    expect(text).toContain('Sarunu protokols Ģirts.pdf');
    expect(text).toContain(`SHA-256: ${letter.attachments[0].sha256}`);
    const audit = await svc.deps.db.selectFrom('audit_log').select(['action', 'object_id']).where('action', '=', 'letter.pdf_viewed').execute();
    expect(audit).toEqual([{ action: 'letter.pdf_viewed', object_id: letter.id }]);
  });

  it('refuses a second draft to the same recipient until the first is cancelled', async () => {
    const again = await post(`/cases/${caseId}/letters`, { recipients: ['social_service'] });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('CONFLICT');
    const [letter] = (await get('/letters?limit=1')).body.items;
    const cancelled = await post(`/letters/${letter.id}/cancel`, { reason: 'Jāpievieno jauni materiāli.' });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ id: letter.id, status: 'cancelled', registrationNumber: `1-13/${year}/1` });
    const next = await post(`/cases/${caseId}/letters`, { recipients: ['social_service', 'parents'] });
    expect(next.status).toBe(201);
    expect(next.body.map((l: { registrationNumber: string; recipient: { key: string } }) => [l.recipient.key, l.registrationNumber])).toEqual([
      ['social_service', `1-13/${year}/2`],
      ['parents', `1-13/${year}/3`],
    ]);
    const register = (await get('/letters?status=cancelled')).body.items;
    expect(register.map((l: { id: string }) => l.id)).toEqual([letter.id]);
  });

  it('names bad input by its path', async () => {
    const res = await post(`/cases/${caseId}/letters`, { recipients: ['state_police', 7], extra: true });
    expect(res.status).toBe(400);
    expect(res.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual(['extra', 'recipients[1]']);
    const unknown = await post(`/cases/${caseId}/letters`, { recipients: ['state_police'] });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error).toMatchObject({ code: 'UNKNOWN_RECIPIENT', details: [{ path: 'recipients[0]' }] });
    const [letter] = (await get('/letters?limit=1')).body.items;
    const noReason = await post(`/letters/${letter.id}/cancel`, {});
    expect(noReason.body.error.details).toEqual([{ path: 'reason', message: expect.any(String) }]);
  });

  it('keeps every institution to its own cases and letters, and every role to its permissions', async () => {
    const otherId = await svc.addInstitution(socialServiceInstitution);
    const other = await svc.apiKey(otherId, 'clerk');
    const [letter] = (await get('/letters?limit=1')).body.items;
    expect((await get(`/letters/${letter.id}`, other)).status).toBe(404);
    expect((await get(`/letters/${letter.id}/pdf`, other)).status).toBe(404);
    expect((await post(`/letters/${letter.id}/cancel`, { reason: 'svešs' }, other)).status).toBe(404);
    expect((await post(`/cases/${caseId}/letters`, {}, other)).body.error.code).toBe('CASE_NOT_FOUND');
    const auditor = await svc.apiKey(svc.schoolId, 'auditor');
    expect((await get(`/letters/${letter.id}`, auditor)).status).toBe(200);
    expect((await post(`/cases/${caseId}/letters`, {}, auditor)).status).toBe(403);
    expect((await post(`/letters/${letter.id}/cancel`, { reason: 'nē' }, auditor)).status).toBe(403);
  });

  it('documents the routes in OpenAPI', () => {
    const doc = svc.openApiDocument() as { paths: Record<string, Record<string, unknown>> };
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/v1/cases/{id}/letters', '/api/v1/letters/{id}', '/api/v1/letters/{id}/pdf', '/api/v1/letters/{id}/cancel']));
  });
});
