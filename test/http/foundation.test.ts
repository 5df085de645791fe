import { startTestService, type TestService } from '../support/service';

describe('HTTP foundation', () => {
  let svc: TestService;
  let institutionId: string;
  beforeAll(async () => {
    svc = await startTestService('sqlite');
    institutionId = await svc.addInstitution();
  });
  afterAll(() => svc.close());

  it('answers /healthz and /readyz with the database and storage checked', async () => {
    expect((await svc.request.get('/healthz')).body).toEqual({ status: 'ok' });
    const ready = await svc.request.get('/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body.checks).toEqual(expect.arrayContaining([{ name: 'database', ok: true }, { name: 'storage', ok: true }]));
  });

  it('answers /readyz 503 when the database is gone', async () => {
    const broken = await startTestService('sqlite');
    await broken.deps.database.close();
    const ready = await broken.request.get('/readyz');
    expect(ready.status).toBe(503);
    expect(ready.body.checks).toContainEqual({ name: 'database', ok: false });
    await broken.db.drop();
  });

  it('counts requests in /metrics', async () => {
    await svc.request.get('/healthz');
    const text = (await svc.request.get('/metrics')).text;
    expect(text).toMatch(/sutne_http_requests_total\{method="GET",route="\/healthz",status="200"\} \d+/);
    expect(text).toContain('sutne_http_request_duration_seconds_bucket');
  });

  it('publishes an OpenAPI document built from the route schemas, and a viewer', async () => {
    const doc = (await svc.request.get('/openapi.json')).body;
    expect(doc.openapi).toBe('3.1.0');
    const post = doc.paths['/api/v1/apikeys'].post;
    expect(post.requestBody.content['application/json'].schema.properties.role.enum).toEqual(['clerk', 'signer', 'admin', 'auditor', 'system']);
    expect(post.responses['401']).toBeDefined();
    const docs = await svc.request.get('/docs');
    expect(docs.type).toBe('text/html');
    expect(docs.text).toContain('/docs/assets/swagger-ui-bundle.js');
    expect((await svc.request.get('/docs/assets/swagger-ui-bundle.js')).status).toBe(200);
  });

  it('answers unknown routes with the error shape', async () => {
    const res = await svc.request.get('/nowhere');
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ error: { code: 'NOT_FOUND', message: 'There is no GET /nowhere.' } });
  });

  it('sends a request id back, its own or the caller\'s', async () => {
    expect((await svc.request.get('/healthz')).headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect((await svc.request.get('/healthz').set('X-Request-Id', 'abc-12345678')).headers['x-request-id']).toBe('abc-12345678');
  });

  it('sets security headers', async () => {
    const res = await svc.request.get('/healthz');
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-powered-by']).toBeUndefined();
  });

  describe('credentials', () => {
    it('refuses a missing, malformed, unknown or revoked key with 401', async () => {
      expect((await svc.request.get('/api/v1/apikeys')).status).toBe(401);
      expect((await svc.request.get('/api/v1/apikeys').set('Authorization', 'Basic xyz')).status).toBe(401);
      const unknown = await svc.request.get('/api/v1/apikeys').set('Authorization', 'Bearer sutne_nope');
      expect(unknown.status).toBe(401);
      expect(unknown.body.error.code).toBe('UNAUTHENTICATED');
      expect(unknown.headers['www-authenticate']).toContain('Bearer');

      const admin = await svc.apiKey(institutionId, 'admin');
      const created = await svc.request.post('/api/v1/apikeys').set('Authorization', `Bearer ${admin}`).send({ role: 'clerk' });
      expect(created.status).toBe(201);
      expect(created.body.key).toMatch(/^sutne_[A-Za-z0-9_-]{43}$/);
      expect((await svc.request.get('/api/v1/apikeys').set('Authorization', `Bearer ${created.body.key}`)).status).toBe(403);
      expect((await svc.request.delete(`/api/v1/apikeys/${created.body.id}`).set('Authorization', `Bearer ${admin}`)).status).toBe(204);
      expect((await svc.request.get('/api/v1/apikeys').set('Authorization', `Bearer ${created.body.key}`)).status).toBe(401);
    });

    it('refuses a role without the permission with 403', async () => {
      const clerk = await svc.apiKey(institutionId, 'clerk');
      const res = await svc.request.post('/api/v1/apikeys').set('Authorization', `Bearer ${clerk}`).send({ role: 'admin' });
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('FORBIDDEN');
    });

    it('stores keys only as hashes, and records when a key was last used', async () => {
      const key = await svc.apiKey(institutionId, 'admin');
      const rows = await svc.deps.db.selectFrom('api_keys').selectAll().execute();
      expect(JSON.stringify(rows)).not.toContain(key);
      await svc.request.get('/api/v1/apikeys').set('Authorization', `Bearer ${key}`);
      const listed = await svc.request.get('/api/v1/apikeys').set('Authorization', `Bearer ${key}`);
      const mine = listed.body.items.find((k: { keyPrefix: string }) => key.startsWith(k.keyPrefix));
      expect(mine.lastUsedAt).toEqual(expect.any(String));
    });
  });

  describe('bad bodies', () => {
    let admin: string;
    beforeAll(async () => {
      admin = await svc.apiKey(institutionId, 'admin');
    });

    it('answers malformed JSON with 400 INVALID_JSON, no stack trace', async () => {
      const res = await svc.request.post('/api/v1/apikeys').set('Authorization', `Bearer ${admin}`).set('Content-Type', 'application/json').send('{"role": ');
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: { code: 'INVALID_JSON', message: 'The body is not valid JSON.' } });
    });

    it('answers a body over the limit with 413', async () => {
      const res = await svc.request
        .post('/api/v1/apikeys')
        .set('Authorization', `Bearer ${admin}`)
        .set('Content-Type', 'application/json')
        .send(JSON.stringify({ role: 'clerk', name: 'x'.repeat(svc.config.limits.jsonBodyBytes) }));
      expect(res.status).toBe(413);
      expect(res.body.error.code).toBe('PAYLOAD_TOO_LARGE');
    });

    it('answers a body that is not JSON with 415', async () => {
      const res = await svc.request.post('/api/v1/apikeys').set('Authorization', `Bearer ${admin}`).set('Content-Type', 'text/plain').send('role=clerk');
      expect(res.status).toBe(415);
    });

    it('names every bad field by its path', async () => {
      const res = await svc.request.post('/api/v1/apikeys').set('Authorization', `Bearer ${admin}`).send({ role: 'king', name: '', extra: 1 });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
      expect(res.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual(['extra', 'name', 'role']);
    });
  });

  it("keeps an admin to its own institution's keys", async () => {
    const other = await svc.addInstitution({ ...(await import('../support/service')).schoolInstitution, id: 'cita-skola', registerPrefix: '2-1' });
    const otherAdmin = await svc.apiKey(other, 'admin');
    const mine = await svc.request.post('/api/v1/apikeys').set('Authorization', `Bearer ${await svc.apiKey(institutionId, 'admin')}`).send({ role: 'clerk' });
    const res = await svc.request.delete(`/api/v1/apikeys/${mine.body.id}`).set('Authorization', `Bearer ${otherAdmin}`);
    expect(res.status).toBe(404);
    const list = await svc.request.get('/api/v1/apikeys').set('Authorization', `Bearer ${otherAdmin}`);
    expect(list.body.items.map((k: { id: string }) => k.id)).not.toContain(mine.body.id);
  });
});
