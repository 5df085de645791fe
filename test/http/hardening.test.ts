import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { Client } from 'pg';
import { ConfigError, loadConfig } from '../../src/config';
import { createLogger } from '../../src/logger';
import { startService } from '../../src/main';
import { createTestDatabase } from '../support/databases';
import { startTestService, type TestService } from '../support/service';

const examples = path.join(__dirname, '..', '..', '..', 'shared', 'examples');
const exampleCase = JSON.parse(fs.readFileSync(path.join(examples, 'case-social-problems.json'), 'utf8'));

describe('rate limits on /api/v1', () => {
  let svc: TestService;
  let institutionId: string;
  beforeAll(async () => {
    svc = await startTestService('sqlite', { RATE_LIMIT_PER_MINUTE: '3', RATE_LIMIT_PER_ADDRESS_PER_MINUTE: '8' });
    institutionId = await svc.addInstitution();
  });
  afterAll(() => svc.close());

  it('limits each key, then each address whatever the credentials, with 429 in the error shape', async () => {
    const a = await svc.apiKey(institutionId, 'admin');
    const b = await svc.apiKey(institutionId, 'admin');
    const statusesA: number[] = [];
    for (let i = 0; i < 4; i++) statusesA.push((await svc.request.get('/api/v1/apikeys').set('Authorization', `Bearer ${a}`)).status);
    expect(statusesA).toEqual([200, 200, 200, 429]);
    const limited = await svc.request.get('/api/v1/apikeys').set('Authorization', `Bearer ${a}`);
    expect(limited.body).toEqual({ error: { code: 'RATE_LIMITED', message: expect.stringContaining('Too many requests') } });
    expect(limited.headers['retry-after']).toMatch(/^\d+$/);
    expect(limited.headers['ratelimit-policy']).toBe('3;w=60');
    // Another key of the same address still has its own allowance…
    expect((await svc.request.get('/api/v1/apikeys').set('Authorization', `Bearer ${b}`)).status).toBe(200);
    // …until the address has used up its own; guessing keys counts too.
    const rest: number[] = [];
    for (let i = 0; i < 3; i++) rest.push((await svc.request.get('/api/v1/apikeys').set('Authorization', 'Bearer sutne_guess')).status);
    expect(rest).toEqual([401, 401, 429]);
  });
});

describe('request timeouts', () => {
  it('answers 503 REQUEST_TIMEOUT when a dependency hangs, and keeps serving', async () => {
    const svc = await startTestService('postgres', { REQUEST_TIMEOUT_MS: '300' });
    const locker = new Client({ connectionString: svc.db.databaseUrl });
    await locker.connect();
    try {
      const institutionId = await svc.addInstitution();
      const key = await svc.apiKey(institutionId, 'admin');
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE api_keys IN ACCESS EXCLUSIVE MODE');
      const res = await svc.request.get('/api/v1/apikeys').set('Authorization', `Bearer ${key}`);
      expect(res.status).toBe(503);
      expect(res.body).toEqual({ error: { code: 'REQUEST_TIMEOUT', message: expect.stringContaining('longer than') } });
      await locker.query('ROLLBACK');
      expect((await svc.request.get('/api/v1/apikeys').set('Authorization', `Bearer ${key}`)).status).toBe(200);
    } finally {
      await locker.end();
      await svc.close();
    }
  });
});

describe('the listening server', () => {
  it('refuses an oversized request head with 431 in the error shape', async () => {
    const tdb = await createTestDatabase('sqlite');
    const running = await startService(
      loadConfig({ SUTNE_ENV: 'test', DATA_DIR: tdb.dataDir, LOG_LEVEL: 'silent', PORT: '0', MAX_HEADER_BYTES: '4096' }),
    );
    try {
      const answer = (headers: Record<string, string>) =>
        new Promise<{ status: number; body: string }>((resolve, reject) => {
          const req = http.get(`${running.url}/healthz`, { headers }, (res) => {
            let body = '';
            res.on('data', (d: Buffer) => (body += d.toString()));
            res.on('end', () => resolve({ status: res.statusCode!, body }));
          });
          req.on('error', reject);
        });
      expect((await answer({ 'X-Small': 'a' })).status).toBe(200);
      const big = await answer({ 'X-Big': 'a'.repeat(8000) });
      expect(big.status).toBe(431);
      expect(JSON.parse(big.body)).toEqual({ error: { code: 'PAYLOAD_TOO_LARGE', message: 'The request headers are larger than the limit.' } });
    } finally {
      await running.stop();
      await tdb.drop();
    }
  });
});

describe('answers say nothing of the internals', () => {
  it('answers 503 when the database is gone, with no stack, SQL or path', async () => {
    const svc = await startTestService('sqlite');
    const institutionId = await svc.addInstitution();
    const key = await svc.apiKey(institutionId, 'admin');
    await svc.deps.database.close();
    const res = await svc.request.get('/api/v1/apikeys').set('Authorization', `Bearer ${key}`);
    expect(res.status).toBe(503);
    expect(res.body).toEqual({ error: { code: 'DATABASE_UNAVAILABLE', message: 'The database is not reachable just now. Try again shortly.' } });
    expect(res.text).not.toMatch(/select|sqlite|\/src\/|at \w+ \(/i);
    await svc.db.drop();
  });

  it('keeps a strict Content-Security-Policy on pages and API alike', async () => {
    const svc = await startTestService('sqlite');
    try {
      for (const url of ['/login', '/api/v1/apikeys', '/healthz']) {
        const csp = (await svc.request.get(url)).headers['content-security-policy'] as string;
        const directives = Object.fromEntries(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k, v.join(' ')]));
        expect(directives['default-src']).toBe("'self'");
        expect(directives['script-src']).toBe("'self'");
        expect(directives['style-src']).toBe("'self'");
        expect(directives['object-src']).toBe("'none'");
        expect(directives['base-uri']).toBe("'none'");
        expect(directives['form-action']).toBe("'self'");
        expect(directives['frame-ancestors']).toBe("'self'");
        expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
      }
      const page = (await svc.request.get('/login')).text;
      expect(page).not.toMatch(/<script|\sstyle=|<style|\son\w+=/i);
      expect((await svc.request.get('/assets/sutne.css')).status).toBe(200);
    } finally {
      await svc.close();
    }
  });
});

describe('logs', () => {
  const capture = () => {
    const out = new PassThrough();
    let text = '';
    out.on('data', (d: Buffer) => (text += d.toString()));
    return { out, text: () => text };
  };

  it("never hold a child's or a parent's name, personal code, address, or what happened, at any depth", async () => {
    const { out, text } = capture();
    const logger = createLogger({ level: 'info', destination: out });
    logger.info({ case: exampleCase }, 'one case');
    logger.info({ batch: { items: [{ data: { case: exampleCase } }] } }, 'nested cases');
    logger.error({ err: Object.assign(new Error('duplicate key'), { code: '23505', detail: 'Key (email)=(liga.kenina@example.lv) already exists.' }) }, 'db error');
    await new Promise((r) => setImmediate(r));
    const logged = text();
    expect(logged.split('\n').filter(Boolean)).toHaveLength(3);
    for (const secret of ['Ģirts', 'Ķēniņš', '321099-10005', 'Ozolu iela', 'Līga', 'liga.kenina', '+371 20000001', 'bez pusdienām', 'Anna Bērziņa', 'Zāģere', '2014-03-09']) {
      expect(logged).not.toContain(secret);
    }
    expect(logged).toContain('"code":"23505"');
    expect(logged).toContain('SK-2026-0117');
  });

  it('never hold keys, passwords, tokens or credentials, even when a whole config is logged', async () => {
    const dataKey = Buffer.alloc(32, 7).toString('base64');
    const config = loadConfig({
      DATA_KEY: dataKey, DATA_KEYS_OLD: `k0:${Buffer.alloc(32, 9).toString('base64')}`, SIGNING_P12: 'seal.p12', SIGNING_P12_PASSWORD: 'p12-slepens',
      SMTP_URL: 'smtps://sutne:relay-parole@relay.example.lv', DATABASE_URL: 'postgres://sutne:db-parole@db.example.lv/sutne',
    });
    const { out, text } = capture();
    const logger = createLogger({ level: 'info', destination: out });
    logger.info({ config }, 'config');
    logger.info({ headers: { authorization: 'Bearer sutne_abc', cookie: 'sutne_session=xyz' }, password: 'p1', apiKey: 'sutne_def', csrfToken: 'tok' }, 'request');
    await new Promise((r) => setImmediate(r));
    for (const secret of [dataKey, Buffer.alloc(32, 9).toString('base64'), 'p12-slepens', 'relay-parole', 'db-parole', 'sutne_abc', 'xyz', 'sutne_def', '"tok"', '"p1"']) {
      expect(text()).not.toContain(secret);
    }
  });

  it('are not where configuration errors put secrets: keys, passwords and URL credentials are hidden', () => {
    let error: ConfigError | undefined;
    try {
      loadConfig({ DATA_KEY: 'mans-slepenais-atslegas-teksts', DATA_KEYS_OLD: 'k0 slepens', SMTP_URL: 'smtp//sutne:relay-parole@relay', DATABASE_URL: 'mysql://u:db-parole@h/x' });
    } catch (err) {
      error = err as ConfigError;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect(error!.problems.map((p) => p.split(':')[0]).sort()).toEqual(['DATABASE_URL', 'DATA_KEY', 'DATA_KEYS_OLD', 'SMTP_URL']);
    for (const secret of ['mans-slepenais', 'k0 slepens', 'relay-parole', 'db-parole']) expect(error!.message).not.toContain(secret);
    expect(error!.message).toContain('smtp//***@relay');
  });
});
