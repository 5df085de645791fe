import { runCli } from '../support/cli';
import { loadConfig } from '../../src/config';
import { createDeps } from '../../src/deps';
import { addInstitution } from '../../src/institutions';
import { dialects } from '../support/databases';
import { schoolInstitution, startTestService, type TestService } from '../support/service';


describe.each(dialects)('verifying the audit log on %s', (dialect) => {
  let svc: TestService;
  let school: string;
  let other: string;

  beforeAll(async () => {
    svc = await startTestService(dialect);
    school = await svc.addInstitution();
    other = await svc.addInstitution({ ...schoolInstitution, id: 'cita-skola', registerPrefix: '2-1' });
    for (let i = 0; i < 4; i++) await svc.deps.audit.record({ action: 'case.read', actor: 'test', institutionId: school, object: { type: 'case', id: `c${i}` } });
    await svc.deps.audit.anchor(school, 'test');
  });
  afterAll(async () => {
    await svc.close();
  });

  const env = () => ({ DATA_DIR: svc.db.dataDir, LOG_LEVEL: 'silent', ...(svc.db.databaseUrl ? { DATABASE_URL: svc.db.databaseUrl } : {}) });

  it('GET /audit/verify answers the own chain with its time-stamps (the service\'s own TSA), and records the check', async () => {
    const auditor = await svc.apiKey(school, 'auditor');
    const res = await svc.request.get('/api/v1/audit/verify').set('Authorization', `Bearer ${auditor}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      valid: true,
      entries: 7, // institution.created, 4 reads (anchored), audit.anchored, and the key just made
      anchors: { count: 1, tokensChecked: true, tokensVerified: 1, lastAnchoredN: 5, lastAnchoredAt: expect.any(String), unanchoredEntries: 2 },
    });
    const last = await svc.deps.db.selectFrom('audit_log').selectAll().where('institution_id', '=', school).orderBy('n', 'desc').executeTakeFirstOrThrow();
    expect(last).toMatchObject({ action: 'audit.verified', actor: expect.stringMatching(/^key:/) });
    expect(JSON.parse(last.details)).toEqual({ valid: true, entries: 7 });
    expect((await svc.request.get('/api/v1/audit/verify').set('Authorization', `Bearer ${await svc.apiKey(school, 'clerk')}`)).status).toBe(403);
  });

  it('sutne audit verify: exit 0 when intact, 1 naming the first bad entry when not; another institution is unaffected', async () => {
    const ok = await runCli(['audit', 'verify'], env());
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(new RegExp(`${school}: intact, \\d+ entries; 1 time-stamp`));
    expect(ok.stdout).toContain('Intact:');

    await svc.deps.db.updateTable('audit_log').set({ object_id: 'forged' }).where('institution_id', '=', school).where('n', '=', 4).execute();
    const broken = await runCli(['audit', 'verify'], env());
    expect(broken.code).toBe(1);
    expect(broken.stdout).toContain(`${school}: BROKEN at entry 4: content altered after it was written`);
    expect(broken.stdout).toMatch(new RegExp(`${other}: intact`));
    expect(broken.stdout).toContain(`BROKEN: first bad entry is ${school} #4.`);

    const api = await svc.request.get('/api/v1/audit/verify').set('Authorization', `Bearer ${await svc.apiKey(other, 'admin')}`);
    expect(api.body).toMatchObject({ valid: true });
    const mine = await svc.request.get('/api/v1/audit/verify').set('Authorization', `Bearer ${await svc.apiKey(school, 'admin')}`);
    expect(mine.body).toMatchObject({ valid: false, firstBadEntry: { institutionId: school, n: 4, reason: expect.stringMatching(/altered/) } });

    const json = await runCli(['audit', 'verify', '--institution', other, '--json'], env());
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ valid: true, institutions: [{ institutionId: other, valid: true }] });
  });

  it('sutne audit anchor time-stamps a head now; every CLI check is recorded in the chain it checked', async () => {
    const deps = await createDeps(loadConfig(env()));
    try {
      await addInstitution(deps, { ...schoolInstitution, id: 'treša-skola'.replace('š', 's'), registerPrefix: '3-1' }, 'test');
    } finally {
      await deps.close();
    }
    const anchored = await runCli(['audit', 'anchor', '--institution', 'tresa-skola'], env());
    expect(anchored).toMatchObject({ code: 0, stdout: expect.stringMatching(/^tresa-skola: entry 1 time-stamped at \S+ by /) });
    await runCli(['audit', 'verify', '--institution', 'tresa-skola'], env());
    const rows = await svc.deps.db.selectFrom('audit_log').selectAll().where('institution_id', '=', 'tresa-skola').orderBy('n').execute();
    expect(rows.map((r) => [r.action, r.actor])).toEqual([['institution.created', 'test'], ['audit.anchored', 'cli'], ['audit.verified', 'cli']]);
    expect(JSON.parse(rows[2]!.details)).toEqual({ valid: true, entries: 2 });
  });
});
