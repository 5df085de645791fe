import fs from 'node:fs';
import { binary, tempFile, unzipAll } from '../export/support/archive';
import { dialects } from '../support/databases';
import { label, operationsOf, send, urlFor, type Operation } from './operations';
import { buildWorld, type World } from './world';

/*
 * Every endpoint, aimed by institution B at institution A's objects, answers 404 — the same as a
 * missing object — and lists and exports show B nothing of A. The operations come from the
 * published OpenAPI document, so a new route is covered the day it is added; a route with a path
 * segment this suite has no object for fails the coverage test until one is added to `world.ts`.
 */
describe.each(dialects)('institution isolation on %s', (dialect) => {
  let world: World;
  let ops: Operation[];
  beforeAll(async () => {
    world = await buildWorld(dialect);
    ops = operationsOf(world.svc.openApiDocument());
  }, 120_000);
  afterAll(() => world.close());

  it('knows an object of A for every path parameter of every route', () => {
    const unknown = ops.flatMap((op) => urlFor(op, world.a.objects).unknown.map((s) => `${label(op)}: ${s}`));
    expect(unknown).toEqual([]);
    expect(ops.filter((op) => op.pathParams.length).length).toBeGreaterThanOrEqual(6);
  });

  it("answers 404 for A's object on every route that names one, and changes nothing of A", async () => {
    const auditBefore = await auditCount(world, world.a.institutionId);
    const wrong: string[] = [];
    for (const op of ops.filter((o) => o.pathParams.length)) {
      const { url } = urlFor(op, world.a.objects);
      const res = await send(world.svc.request, op, url, { bearer: world.b.keyFor(op.permission) });
      if (res.status !== 404 || !/NOT_FOUND$/.test(res.body?.error?.code ?? '')) wrong.push(`${label(op)} → ${res.status} ${res.text.slice(0, 120)}`);
    }
    expect(wrong).toEqual([]);
    expect(await auditCount(world, world.a.institutionId)).toBe(auditBefore);
    // A's objects are all still there and A's own callers reach them.
    const { objects, keys } = world.a;
    expect((await world.svc.request.get(`/api/v1/cases/${objects.caseId}`).set('Authorization', `Bearer ${keys.clerk}`)).status).toBe(200);
    const users = await world.svc.request.get('/api/v1/users').set('Authorization', `Bearer ${keys.admin}`);
    expect(users.body.items.find((u: { id: string }) => u.id === objects.userId)).toMatchObject({ disabledAt: null });
    const apikeys = await world.svc.request.get('/api/v1/apikeys').set('Authorization', `Bearer ${keys.admin}`);
    expect(apikeys.body.items.find((k: { id: string }) => k.id === objects.apikeyId)).toMatchObject({ revokedAt: null });
  });

  it("lets B neither read, sign, upload a signature for, send, cancel nor export A's draft letter, on every letter route", async () => {
    // The letter the world holds is sent; a draft is where signing and sending would act, so aim at one.
    const { keys, objects } = world.a;
    const kase = await world.svc.request.post('/api/v1/cases').set('Authorization', `Bearer ${keys.clerk}`).send((await import('./world')).exampleCase());
    expect(kase.status).toBe(201);
    const made = await world.svc.request.post(`/api/v1/cases/${kase.body.id}/letters`).set('Authorization', `Bearer ${keys.clerk}`).send({ recipients: ['social_service'] });
    expect(made.status).toBe(201);
    const draft = made.body[0] as { id: string; registrationNumber: string; pdf: { sha256: string } };
    const letterOps = ops.filter((o) => o.path.startsWith('/api/v1/letters/{'));
    expect(letterOps.map(label)).toEqual(expect.arrayContaining(['POST /api/v1/letters/{id}/sign', 'POST /api/v1/letters/{id}/send', 'GET /api/v1/letters/{id}/pdf']));
    const auditBefore = await auditCount(world, world.a.institutionId);
    const wrong: string[] = [];
    for (const op of letterOps) {
      const { url } = urlFor(op, { ...objects, letterId: draft.id });
      const res = await send(world.svc.request, op, url, { bearer: world.b.keyFor(op.permission) });
      if (res.status !== 404 || !/NOT_FOUND$/.test(res.body?.error?.code ?? '')) wrong.push(`${label(op)} → ${res.status} ${res.text.slice(0, 120)}`);
    }
    expect(wrong).toEqual([]);
    expect(await auditCount(world, world.a.institutionId)).toBe(auditBefore);
    const row = await world.svc.deps.db.selectFrom('letters').selectAll().where('id', '=', draft.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'draft', pdf_sha256: draft.pdf.sha256, eml_key: null, signed_at: null, cancelled_at: null });
    const theirs = await world.svc.request.get('/api/v1/export?status=draft,signed,queued,sent,failed,cancelled').set('Authorization', `Bearer ${world.b.keys.auditor}`).buffer(true).parse(binary);
    expect(theirs.status).toBe(200);
    const file = tempFile('b.zip', theirs.body as Buffer);
    const text = [...(await unzipAll(file))].map(([name, data]) => `${name}\n${data.toString('utf8')}`).join('\n');
    fs.rmSync(file);
    expect(text).not.toContain(draft.id);
    expect(text).not.toContain(draft.registrationNumber.replace(/\//g, '_'));
    // A's own signer reaches it: the 404s above were about whose letter it is.
    expect((await world.svc.request.get(`/api/v1/letters/${draft.id}`).set('Authorization', `Bearer ${keys.signer}`)).status).toBe(200);
  });

  it('answers 404 the same for a missing object, so a 404 tells B nothing', async () => {
    for (const op of ops.filter((o) => o.pathParams.length && o.method === 'get')) {
      const foreign = await send(world.svc.request, op, urlFor(op, world.a.objects).url, { bearer: world.b.keyFor(op.permission) });
      const missing = await send(world.svc.request, op, urlFor(op, undefined).url, { bearer: world.b.keyFor(op.permission) });
      expect([label(op), foreign.status, foreign.body.error?.code]).toEqual([label(op), missing.status, missing.body.error?.code]);
    }
  });

  it('shows B nothing of A in any list, register, audit or export', async () => {
    const { objects } = world.a;
    const secrets = [objects.caseId, objects.attachmentId, objects.letterId, objects.registrationNumber, objects.exportId, objects.userId, objects.apikeyId, 'Ķēniņš', 'parakstitajs@skola.lv'];
    const leaks: string[] = [];
    for (const op of ops.filter((o) => !o.pathParams.length && o.method === 'get')) {
      const res = await send(world.svc.request, op, op.path, { bearer: world.b.keyFor(op.permission) }).buffer(true).parse(binary);
      if (res.status !== 200) {
        leaks.push(`${label(op)} → ${res.status}`);
        continue;
      }
      let text = (res.body as Buffer).toString('utf8');
      if (String(res.headers['content-type']).startsWith('application/zip')) {
        const file = tempFile('b.zip', res.body as Buffer);
        text = [...(await unzipAll(file))].map(([name, data]) => `${name}\n${data.toString('utf8')}`).join('\n');
        fs.rmSync(file);
      }
      for (const s of secrets) if (text.includes(s)) leaks.push(`${label(op)} shows ${s}`);
    }
    expect(leaks).toEqual([]);
    // The same lists do show A its own objects: the check above can see them when they are there.
    const own = await world.svc.request.get('/api/v1/letters').set('Authorization', `Bearer ${world.a.keys.auditor}`);
    expect(own.text).toContain(objects.letterId);
    const ownKeys = await world.svc.request.get('/api/v1/apikeys').set('Authorization', `Bearer ${world.a.keys.admin}`);
    expect(ownKeys.text).toContain(objects.apikeyId);
  });

  it("lets no one create in another institution: the institution comes from the credentials, never the body", async () => {
    const body = { ...(await import('./world')).exampleCase(), institutionId: world.a.institutionId };
    const res = await world.svc.request.post('/api/v1/cases').set('Authorization', `Bearer ${world.b.keys.clerk}`).send(body);
    expect(res.status).toBe(400);
    expect(res.body.error.details).toContainEqual(expect.objectContaining({ path: 'institutionId' }));
    const made = await world.svc.request.post('/api/v1/apikeys').set('Authorization', `Bearer ${world.b.keys.admin}`).send({ role: 'admin', institutionId: world.a.institutionId });
    expect(made.status).toBe(400);
  });
});

async function auditCount(world: World, institutionId: string): Promise<number> {
  const rows = await world.svc.deps.db.selectFrom('audit_log').select('n').where('institution_id', '=', institutionId).execute();
  return rows.length;
}
