import fs from 'node:fs';
import path from 'node:path';
import supertest from 'supertest';
import { loadConfig } from '../../src/config';
import { createDeps } from '../../src/deps';
import { createApp } from '../../src/http';
import { runCli } from '../support/cli';
import { createTestDatabase, dialects, type TestDatabase } from '../support/databases';

const examples = path.join(__dirname, '..', '..', '..', 'shared', 'examples');

const run = (args: string[], env: Record<string, string>) => runCli(args, env);

describe.each(dialects)('sutne command line on %s', (dialect) => {
  let tdb: TestDatabase;
  let env: Record<string, string>;
  beforeEach(async () => {
    tdb = await createTestDatabase(dialect);
    env = { DATA_DIR: tdb.dataDir, LOG_LEVEL: 'silent', ...(tdb.databaseUrl ? { DATABASE_URL: tdb.databaseUrl } : {}) };
  });
  afterEach(() => tdb.drop());

  it('migrates, registers an institution, and makes a working, revocable key', async () => {
    expect(await run(['migrate'], env)).toMatchObject({ code: 0, stdout: expect.stringContaining('Applied') });
    expect(await run(['migrate'], env)).toMatchObject({ code: 0, stdout: 'The database is up to date.\n' });

    const added = await run(['institution', 'add', path.join(examples, 'institution-school.json')], env);
    expect(added).toMatchObject({ code: 0, stdout: 'daugavkrasta-pamatskola\n' });
    const again = await run(['institution', 'add', path.join(examples, 'institution-school.json')], env);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('already exists');

    const key = await run(['apikey', 'add', '--institution', 'daugavkrasta-pamatskola', '--role', 'admin', '--name', 'tests'], env);
    expect(key.code).toBe(0);
    const lastLine = key.stdout.trim().split('\n').pop()!;
    expect(lastLine).toMatch(/^sutne_[A-Za-z0-9_-]{43}$/);

    const deps = await createDeps(loadConfig(env));
    try {
      const request = supertest(createApp(deps).app);
      const listed = await request.get('/api/v1/apikeys').set('Authorization', `Bearer ${lastLine}`);
      expect(listed.status).toBe(200);
      const id = listed.body.items[0].id as string;

      const list = await run(['apikey', 'list', '--institution', 'daugavkrasta-pamatskola'], env);
      expect(list.stdout).toContain(id);
      expect(list.stdout).not.toContain(lastLine);

      expect((await run(['apikey', 'revoke', id, '--institution', 'daugavkrasta-pamatskola'], env)).code).toBe(0);
      expect((await request.get('/api/v1/apikeys').set('Authorization', `Bearer ${lastLine}`)).status).toBe(401);
    } finally {
      await deps.close();
    }
  });

  it('adds a web user with the password from SUTNE_PASSWORD, stored only as a salted hash', async () => {
    await run(['institution', 'add', path.join(examples, 'institution-school.json')], env);
    const res = await run(
      ['user', 'add', '--institution', 'daugavkrasta-pamatskola', '--role', 'signer', '--email', 'Direktors@Example.lv'],
      { ...env, SUTNE_PASSWORD: 'garš-un-drošs-1234' },
    );
    expect(res.code).toBe(0);
    expect(res.stdout.trim()).toMatch(/^[0-9a-f-]{36}$/);
    const deps = await createDeps(loadConfig(env));
    try {
      const row = await deps.db.selectFrom('users').selectAll().executeTakeFirstOrThrow();
      expect(row.email).toBe('direktors@example.lv');
      expect(row.password_hash).toMatch(/^scrypt\$/);
      expect(row.password_hash).not.toContain('garš');
    } finally {
      await deps.close();
    }
  });

  it('refuses unknown institutions, roles and bad files clearly', async () => {
    const noInst = await run(['apikey', 'add', '--institution', 'nav', '--role', 'clerk'], env);
    expect(noInst.code).toBe(1);
    expect(noInst.stderr).toContain('No institution "nav"');
    const badRole = await run(['apikey', 'add', '--institution', 'x', '--role', 'king'], env);
    expect(badRole.code).toBe(2);
    expect(badRole.stderr).toContain('king');
    const bad = path.join(tdb.dataDir, 'bad.json');
    fs.writeFileSync(bad, JSON.stringify({ id: 'X Y', kind: 'school' }));
    const invalid = await run(['institution', 'add', bad], env);
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toMatch(/- id: /);
    expect(invalid.stderr).toMatch(/- regNo: /);
  });

  it('stops on a bad configuration, naming each variable', async () => {
    const res = await run(['migrate'], { ...env, PORT: 'x', SMTP_URL: 'ftp://a' });
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('PORT');
    expect(res.stderr).toContain('SMTP_URL');
  });
});
