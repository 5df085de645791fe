import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { roles, can } from '../../src/access';
import { label, operationsOf, send, urlFor, type Operation } from './operations';
import { buildWorld, exampleCase, type World } from './world';

/*
 * The attacks of issue 8, each against every operation of the published OpenAPI document where it
 * applies. Each must be refused with the right status, and leave nothing written.
 */
describe('attacks', () => {
  let world: World;
  let ops: Operation[];
  beforeAll(async () => {
    world = await buildWorld('sqlite');
    ops = operationsOf(world.svc.openApiDocument());
  }, 120_000);
  afterAll(() => world.close());

  const rowCounts = async () => {
    const db = world.svc.deps.db;
    const count = async (t: 'audit_log' | 'cases' | 'attachments' | 'letters' | 'api_keys' | 'users') =>
      (await db.selectFrom(t).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n;
    return { audit: await count('audit_log'), cases: await count('cases'), attachments: await count('attachments'), letters: await count('letters'), keys: await count('api_keys'), users: await count('users') };
  };

  const expectRefused = async (what: string, attempt: (op: Operation, url: string) => Promise<{ status: number; body: { error?: { code?: string } } }>, expected: (op: Operation) => [number, string] | undefined) => {
    const before = await rowCounts();
    const wrong: string[] = [];
    for (const op of ops) {
      const want = expected(op);
      if (!want) continue;
      const res = await attempt(op, urlFor(op, world.a.objects).url);
      if (res.status !== want[0] || res.body?.error?.code !== want[1]) wrong.push(`${what}: ${label(op)} → ${res.status} ${res.body?.error?.code}`);
    }
    expect(wrong).toEqual([]);
    expect(await rowCounts()).toEqual(before);
  };

  it('refuses missing, malformed, forged and revoked credentials on every operation with 401', async () => {
    const forged = `sutne_${randomBytes(32).toString('base64url')}`;
    await expectRefused('none', (op, url) => send(world.svc.request, op, url, {}), () => [401, 'UNAUTHENTICATED']);
    await expectRefused('forged key', (op, url) => send(world.svc.request, op, url, { bearer: forged }), () => [401, 'UNAUTHENTICATED']);
    await expectRefused('revoked key', (op, url) => send(world.svc.request, op, url, { bearer: world.a.revokedKey }), () => [401, 'UNAUTHENTICATED']);
    await expectRefused('basic auth', (op, url) => send(world.svc.request, op, url, {}).set('Authorization', 'Basic YWRtaW46YWRtaW4='), () => [401, 'UNAUTHENTICATED']);
    await expectRefused('forged session', (op, url) => send(world.svc.request, op, url, { cookie: `sutne_session=${randomBytes(32).toString('base64url')}` }), () => [401, 'UNAUTHENTICATED']);
  });

  it('refuses every role without the permission, on every operation, with 403', async () => {
    for (const role of roles) {
      await expectRefused(role, (op, url) => send(world.svc.request, op, url, { bearer: world.a.keys[role] }), (op) => (can(role, op.permission) ? undefined : [403, 'FORBIDDEN']));
    }
  });

  it('refuses every unsafe operation by session cookie without the CSRF token, or from another site', async () => {
    const { cookie, csrfToken } = world.a.signer;
    await expectRefused('no token', (op, url) => send(world.svc.request, op, url, { cookie }), (op) => (op.unsafe ? [403, 'CSRF_FAILED'] : undefined));
    await expectRefused('wrong token', (op, url) => send(world.svc.request, op, url, { cookie, csrf: randomBytes(32).toString('base64url') }), (op) => (op.unsafe ? [403, 'CSRF_FAILED'] : undefined));
    await expectRefused('other site', (op, url) => send(world.svc.request, op, url, { cookie, csrf: csrfToken, origin: 'https://evil.example' }), (op) => (op.unsafe ? [403, 'CSRF_FAILED'] : undefined));
  });

  it('treats SQL injection strings in every filter as data: 200 or 400, never an error, and the tables stay', async () => {
    const injections = ["' OR '1'='1", "1; DROP TABLE cases; --", "x' UNION SELECT data FROM cases --", '%', '\\'];
    const before = await rowCounts();
    const wrong: string[] = [];
    for (const op of ops.filter((o) => o.method === 'get' && o.queryParams.length)) {
      for (const param of op.queryParams) {
        for (const value of injections) {
          const { url } = urlFor(op, world.a.objects);
          const res = await send(world.svc.request, op, `${url}?${param}=${encodeURIComponent(value)}`, { bearer: world.a.keyFor(op.permission) });
          if (![200, 400].includes(res.status)) wrong.push(`${label(op)} ${param}=${value} → ${res.status}`);
          if (res.status === 200 && /json/.test(String(res.headers['content-type'])) && Array.isArray(res.body.items) && /UNION|DROP/.test(value)) {
            if (res.body.items.length) wrong.push(`${label(op)} ${param}=${value} matched ${res.body.items.length} rows`);
          }
        }
      }
    }
    expect(wrong).toEqual([]);
    const after = await rowCounts();
    expect({ ...after, audit: 0 }).toEqual({ ...before, audit: 0 });
  });

  it('refuses malformed, oversize and mistyped JSON on every JSON operation, writing nothing', async () => {
    const json = (op: Operation) => op.bodyType === 'application/json';
    const caller = (op: Operation) => ({ bearer: world.a.keyFor(op.permission) });
    await expectRefused('malformed', (op, url) => send(world.svc.request, op, url, caller(op)).set('Content-Type', 'application/json').send('{"a": [1, '), (op) => (json(op) ? [400, 'INVALID_JSON'] : undefined));
    await expectRefused('oversize', (op, url) => send(world.svc.request, op, url, caller(op)).set('Content-Type', 'application/json').send(JSON.stringify({ x: 'a'.repeat(world.svc.config.limits.jsonBodyBytes) })), (op) => (json(op) ? [413, 'PAYLOAD_TOO_LARGE'] : undefined));
    await expectRefused('not JSON', (op, url) => send(world.svc.request, op, url, caller(op)).set('Content-Type', 'text/plain').send('role=admin'), (op) => (json(op) ? [415, 'UNSUPPORTED_MEDIA_TYPE'] : undefined));
    // Nesting deep enough to exhaust a recursive parser is refused as JSON it will not read.
    await expectRefused('nested deep', (op, url) => send(world.svc.request, op, url, caller(op)).set('Content-Type', 'application/json').send('['.repeat(5000) + ']'.repeat(5000)), (op) => (json(op) ? [400, 'INVALID_JSON'] : undefined));
  });

  it('refuses malformed and oversize multipart on every upload operation, writing nothing', async () => {
    const multipart = (op: Operation) => op.bodyType === 'multipart/form-data';
    const caller = (op: Operation) => ({ bearer: world.a.keyFor(op.permission) });
    const before = await rowCounts();
    const wrong: string[] = [];
    for (const op of ops.filter(multipart)) {
      const { url } = urlFor(op, world.a.objects);
      const broken = await world.svc.request[op.method](url).set('Authorization', `Bearer ${caller(op).bearer}`)
        .set('Content-Type', 'multipart/form-data; boundary=xyz').send('--xyz\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\n\r\n%PDF-1.4 no end');
      if (broken.status !== 400) wrong.push(`${label(op)} broken multipart → ${broken.status}`);
      const noBoundary = await world.svc.request[op.method](url).set('Authorization', `Bearer ${caller(op).bearer}`).set('Content-Type', 'multipart/form-data').send('x');
      if (![400, 415].includes(noBoundary.status)) wrong.push(`${label(op)} no boundary → ${noBoundary.status}`);
      const big = Buffer.concat([Buffer.from('%PDF-1.4\n'), randomBytes(world.svc.config.limits.uploadFileBytes + 10)]);
      let upload = world.svc.request[op.method](url).set('Authorization', `Bearer ${caller(op).bearer}`);
      if (op.path.endsWith('/referrals')) upload = upload.field('case', JSON.stringify(exampleCase()));
      const tooBig = await upload.attach('file', big, 'liels.pdf');
      if (tooBig.status !== 413) wrong.push(`${label(op)} oversize file → ${tooBig.status}`);
    }
    expect(wrong).toEqual([]);
    expect(await rowCounts()).toEqual(before);
  });

  it('keeps file names free of paths and control characters, and files inside the store', async () => {
    const { caseId } = world.a.objects;
    const names = ['../../../../etc/passwd.pdf', '..\\..\\windows\\win.ini.pdf', 'a\r\nContent-Type: text/html\r\n\r\n<script>.pdf', 'nul\u0000byte.pdf', '/abs/path.pdf', '\u202Efdp.exe.pdf'];
    for (const name of names) {
      const res = await world.svc.request.post(`/api/v1/cases/${caseId}/attachments`).set('Authorization', `Bearer ${world.a.keys.clerk}`).attach('file', Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n'), name);
      if (res.status === 201) {
        for (const f of res.body as Array<{ filename: string }>) {
          expect(f.filename).not.toMatch(/[/\\\u0000-\u001f\u007f\u202e]/);
          expect(f.filename).not.toMatch(/^\.\.?$/);
        }
      } else {
        expect(res.status).toBe(400);
      }
    }
    const dataDir = world.svc.db.dataDir;
    const stray = fs.readdirSync(dataDir, { recursive: true, withFileTypes: true }).filter((d) => d.isFile() && /passwd|win\.ini|script/.test(d.name));
    expect(stray).toEqual([]);
    expect(fs.existsSync(path.join(dataDir, '..', 'etc'))).toBe(false);
  });

  it('refuses line breaks and control characters in every one-line case field (no header injection), naming the field', async () => {
    const base = exampleCase();
    const multiline = new Set(['situation', 'actionsTaken[0].description', 'actionsTaken[1].description', 'actionsTaken[2].description']);
    const wrong: string[] = [];
    for (const [pathName, set] of stringLeaves(base)) {
      const body = exampleCase();
      set(body, '\r\nBcc: attacker@evil.example');
      const res = await world.svc.request.post('/api/v1/cases').set('Authorization', `Bearer ${world.a.keys.clerk}`).send(body);
      if (multiline.has(pathName)) continue;
      if (res.status !== 400 || !res.body.error.details?.some((d: { path: string }) => d.path === pathName)) wrong.push(`${pathName} → ${res.status}`);
    }
    expect(wrong).toEqual([]);
  });

  it('keeps template syntax in case data as plain text', async () => {
    const body = exampleCase();
    const payload = '{{#with this}}{{lookup this "constructor"}}{{/with}} {{{7*7}}} ${process.env} <script>alert(1)</script>';
    body.situation = payload;
    const created = await world.svc.request.post('/api/v1/cases').set('Authorization', `Bearer ${world.a.keys.clerk}`).send(body);
    expect(created.status).toBe(201);
    const read = await world.svc.request.get(`/api/v1/cases/${created.body.id}`).set('Authorization', `Bearer ${world.a.keys.clerk}`);
    expect(JSON.stringify(read.body)).toContain(JSON.stringify(payload).slice(1, -1));
  });
});

/** Every string in a JSON value, with its path and a setter that appends to it. */
function stringLeaves(value: unknown, prefix = ''): Array<[string, (root: Record<string, unknown>, suffix: string) => void]> {
  const out: Array<[string, (root: Record<string, unknown>, suffix: string) => void]> = [];
  const walk = (v: unknown, p: Array<string | number>) => {
    if (typeof v === 'string') {
      const at = [...p];
      const name = at.reduce<string>((s, k) => (typeof k === 'number' ? `${s}[${k}]` : s ? `${s}.${k}` : k), prefix);
      out.push([name, (root, suffix) => {
        let o = root as Record<string | number, unknown>;
        for (const k of at.slice(0, -1)) o = o[k] as Record<string | number, unknown>;
        o[at.at(-1)!] = `${o[at.at(-1)!] as string}${suffix}`;
      }]);
    } else if (Array.isArray(v)) v.forEach((x, i) => walk(x, [...p, i]));
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, [...p, k]);
  };
  walk(value, []);
  return out;
}
