import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startCaseService, type CaseService } from '../cases/case-service';
import * as files from '../cases/sample-files';
import { exampleCase } from '../cases/scheme-fixture';
import { dialects } from '../support/databases';
import { schoolInstitution } from '../support/service';

describe.each(dialects)('Idempotency-Key on %s', (dialect) => {
  let svc: CaseService;
  beforeAll(async () => {
    svc = await startCaseService(dialect);
  });
  afterAll(() => svc.close());

  const caseCount = async () => (await svc.deps.db.selectFrom('cases').select('id').execute()).length;
  const post = (key: string, body: unknown = exampleCase('police'), apiKey = svc.clerk) =>
    svc.request.post('/api/v1/cases').set('Authorization', `Bearer ${apiKey}`).set('Idempotency-Key', key).send(body as object);

  it('answers a retry with the first answer and creates nothing new', async () => {
    const first = await post('retry-1');
    const before = await caseCount();
    // The same JSON, written differently, is the same request.
    const again = await svc.request
      .post('/api/v1/cases')
      .set(...svc.auth())
      .set('Idempotency-Key', 'retry-1')
      .set('Content-Type', 'application/json')
      .send(JSON.stringify(exampleCase('police'), null, 2));
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    expect(await caseCount()).toBe(before);
    const audits = await svc.deps.db.selectFrom('audit_log').select('n').where('action', '=', 'case.created').where('object_id', '=', first.body.id).execute();
    expect(audits).toHaveLength(1);
  });

  it('refuses the same key with another body, or on another path, with 409 IDEMPOTENCY_KEY_REUSED', async () => {
    await post('reused-1');
    const other = await post('reused-1', exampleCase('minimal'));
    expect(other.status).toBe(409);
    expect(other.body.error.code).toBe('IDEMPOTENCY_KEY_REUSED');
    const elsewhere = await svc.request.post('/api/v1/referrals').set(...svc.auth()).set('Idempotency-Key', 'reused-1').field('case', '{}');
    expect(elsewhere.status).toBe(409);
    expect(elsewhere.body.error.message).toContain('POST /api/v1/cases');
  });

  it('keeps keys apart per institution', async () => {
    const first = await post('shared-key');
    const otherId = await svc.addInstitution({ ...schoolInstitution, id: `otra-${dialect}`, registerPrefix: '3' });
    const other = await post('shared-key', exampleCase('police'), await svc.apiKey(otherId, 'clerk'));
    expect(other.status).toBe(201);
    expect(other.body.id).not.toBe(first.body.id);
  });

  it('replays a refusal of a JSON body too, and lets a call without a key run each time', async () => {
    const bad = { ...exampleCase('minimal'), grounds: ['family_not_cooperating'] };
    const first = await post('refused-1', bad);
    const again = await post('refused-1', bad);
    expect([first.status, again.status]).toEqual([400, 400]);
    expect(again.body).toEqual(first.body);
    const before = await caseCount();
    await svc.postCase(exampleCase('minimal'));
    await svc.postCase(exampleCase('minimal'));
    expect(await caseCount()).toBe(before + 2);
  });

  it('refuses a key that is not 1–255 visible characters', async () => {
    const res = await post('with space');
    expect(res.status).toBe(400);
    expect(res.body.error.details[0].path).toBe('Idempotency-Key');
  });

  it('recognises a retried multipart request whatever its boundary, and a changed file as another request', async () => {
    const pdf = await files.pdf(`idempotent ${dialect}`);
    const send = (content: Buffer) =>
      svc.request
        .post('/api/v1/referrals')
        .set(...svc.auth())
        .set('Idempotency-Key', 'referral-1')
        .field('case', JSON.stringify(exampleCase('police')))
        .attach('file', content, 'atzinums.pdf');
    const first = await send(pdf);
    expect(first.status).toBe(201);
    const cases = await caseCount();
    const attachments = (await svc.deps.db.selectFrom('attachments').select('id').execute()).length;
    const again = await send(pdf);
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(await caseCount()).toBe(cases);
    expect((await svc.deps.db.selectFrom('attachments').select('id').execute()).length).toBe(attachments);
    const changed = await send(await files.pdf('cits saturs'));
    expect(changed.status).toBe(409);
    expect(changed.body.error.code).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it('answers 409 IDEMPOTENCY_IN_PROGRESS while the first call runs, then the first answer', async () => {
    const server = svc.app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const { port } = server.address() as AddressInfo;
    const { id: caseId } = (await svc.postCase()).body;
    const boundary = 'slowboundary';
    const head = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="lēns.txt"\r\nContent-Type: text/plain\r\n\r\n`;
    const tail = `\r\n--${boundary}--\r\n`;
    let req!: http.ClientRequest;
    const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
      req = http.request(
        {
          host: '127.0.0.1', port, method: 'POST', path: `/api/v1/cases/${caseId}/attachments`,
          headers: { Authorization: `Bearer ${svc.clerk}`, 'Idempotency-Key': 'slow-1', 'Content-Type': `multipart/form-data; boundary=${boundary}` },
        },
        (res) => {
          let body = '';
          res.on('data', (c) => (body += c)).on('end', () => resolve({ status: res.statusCode!, body }));
        },
      );
      req.on('error', reject);
    });
    req.write(head);
    req.write('pirmā daļa ');
    // The first call is now running: its key is claimed, and it waits for the rest of its body.
    const claimed = () => svc.deps.db.selectFrom('idempotency_keys').select('status').where('key', '=', 'slow-1').executeTakeFirst();
    for (let i = 0; i < 200 && !(await claimed()); i++) await new Promise((r) => setTimeout(r, 10));
    expect(await claimed()).toEqual({ status: null });
    const during = await svc.request
      .post(`/api/v1/cases/${caseId}/attachments`)
      .set(...svc.auth())
      .set('Idempotency-Key', 'slow-1')
      .attach('file', Buffer.from('pirmā daļa otrā daļa'), 'lēns.txt');
    expect(during.status).toBe(409);
    expect(during.body.error.code).toBe('IDEMPOTENCY_IN_PROGRESS');
    req.end(`otrā daļa${tail}`);
    const first = await answer;
    expect(first.status).toBe(201);
    const retry = await svc.request
      .post(`/api/v1/cases/${caseId}/attachments`)
      .set(...svc.auth())
      .set('Idempotency-Key', 'slow-1')
      .attach('file', Buffer.from('pirmā daļa otrā daļa'), 'lēns.txt');
    expect(retry.status).toBe(201);
    expect(retry.body).toEqual(JSON.parse(first.body));
    expect((await svc.deps.db.selectFrom('attachments').select('id').where('case_id', '=', caseId).execute())).toHaveLength(1);
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  it('forgets a key whose call failed part-way, so the retry runs', async () => {
    const { id: caseId } = (await svc.postCase()).body;
    const refused = await svc.request
      .post(`/api/v1/cases/${caseId}/attachments`)
      .set(...svc.auth())
      .set('Idempotency-Key', 'failed-1')
      .attach('file', files.exe(), 'a.pdf');
    expect(refused.status).toBe(415);
    const row = await svc.deps.db.selectFrom('idempotency_keys').selectAll().where('key', '=', 'failed-1').executeTakeFirst();
    expect(row).toBeUndefined();
  });

  it('keeps the remembered answer sealed', async () => {
    const original = svc.deps.sealer;
    svc.deps.sealer = { encrypts: true, seal: (p) => `sealed:${Buffer.from(p).toString('base64')}`, open: (s) => Buffer.from(s.slice(7), 'base64').toString() };
    try {
      const first = await post('sealed-1');
      const row = await svc.deps.db.selectFrom('idempotency_keys').selectAll().where('key', '=', 'sealed-1').executeTakeFirstOrThrow();
      expect(row.response).toMatch(/^sealed:/);
      expect((await post('sealed-1')).body).toEqual(first.body);
    } finally {
      svc.deps.sealer = original;
    }
  });
});
