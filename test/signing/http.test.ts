import { dialects } from '../support/databases';
import { startTestService, type TestService } from '../support/service';
import { pdfkitLetter } from './support';

describe.each(dialects)('POST /api/v1/verify on %s', (dialect) => {
  let svc: TestService;
  let institutionId: string;
  let key: string;
  let signed: Buffer;

  beforeAll(async () => {
    svc = await startTestService(dialect, { UPLOAD_MAX_FILE_BYTES: '200000' });
    institutionId = await svc.addInstitution();
    key = await svc.apiKey(institutionId, 'clerk');
    signed = (await svc.deps.signing.signPdf(await pdfkitLetter())).pdf;
  });
  afterAll(() => svc.close());

  const post = (body: Buffer | string, type = 'application/pdf', bearer: string | null = key) => {
    const req = svc.request.post('/api/v1/verify').set('Content-Type', type);
    if (bearer) req.set('Authorization', `Bearer ${bearer}`);
    return req.send(body);
  };

  it('answers the report for a signed PDF, and records the verification in the audit log', async () => {
    const res = await post(signed);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      valid: true,
      signatures: [{ signer: 'Sūtne development signer', timestamp: { tsa: 'Sūtne development TSA' }, level: 'PAdES-B-T' }],
    });
    expect(res.body.signatures[0].checks.every((c: { ok: boolean }) => c.ok)).toBe(true);
    const entries = await svc.deps.db.selectFrom('audit_log').selectAll().where('action', '=', 'pdf.verified').execute();
    expect(entries).toHaveLength(1);
    expect(JSON.parse(entries[0]!.details)).toMatchObject({ valid: true, signatures: 1, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
  });

  it('answers 200 with valid:false for a tampered PDF', async () => {
    const tampered = Buffer.from(signed);
    tampered[500] = tampered[500]! ^ 0x20;
    const res = await post(tampered);
    expect(res.status).toBe(200);
    expect(res.body.valid).toBe(false);
    expect(res.body.signatures[0].checks).toContainEqual(expect.objectContaining({ name: 'digest', ok: false }));
  });

  it('refuses other content types (415), oversized bodies (413), non-PDFs (422) and anonymous callers (401)', async () => {
    expect((await post(signed, 'application/octet-stream')).body.error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    expect((await post(signed, 'application/octet-stream')).status).toBe(415);
    const big = Buffer.concat([signed, Buffer.alloc(250_000, 0x20)]);
    const tooLarge = await post(big);
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.body.error.code).toBe('PAYLOAD_TOO_LARGE');
    const notPdf = await post(Buffer.from('plain text, not a PDF'));
    expect(notPdf.status).toBe(422);
    expect(notPdf.body.error.message).toContain('not a PDF');
    expect((await post(signed, 'application/pdf', null)).status).toBe(401);
  });

  it('reports the signer in /readyz and documents the endpoint in OpenAPI', async () => {
    const ready = await svc.request.get('/readyz');
    expect(ready.body.checks).toContainEqual({ name: 'signer', ok: true });
    const doc = svc.openApiDocument() as { paths: Record<string, Record<string, { requestBody: { content: Record<string, unknown> }; responses: Record<string, unknown> }>> };
    const op = doc.paths['/api/v1/verify']!.post!;
    expect(Object.keys(op.requestBody.content)).toEqual(['application/pdf']);
    expect(op.responses['200']).toBeDefined();
  });
});
