import { childNameHasher } from '../../src/cases';
import { dialects } from '../support/databases';
import { schoolInstitution } from '../support/service';
import { startCaseService, socialServiceInstitution, type CaseService } from './case-service';
import { exampleCase, ozolkalniDir } from './scheme-fixture';

describe.each(dialects)('the cases API on %s', (dialect) => {
  let svc: CaseService;
  beforeAll(async () => {
    svc = await startCaseService(dialect);
  });
  afterAll(() => svc.close());

  const auditOf = (action: string) => svc.deps.db.selectFrom('audit_log').selectAll().where('action', '=', action).execute();

  it('stores a case for the caller and answers its recipients, each with its grounds and why', async () => {
    const res = await svc.postCase(exampleCase('police'));
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      scheme: { profile: 'aizkraukle', version: '2023-01-19.1' },
      recipients: [
        {
          key: 'state_police', name: 'Valsts policija', addressee: 'Valsts policijai',
          emails: ['pasts@vp.gov.lv', 'kanc.aizkraukle@zemgale.vp.gov.lv'], grounds: ['unlawful_conduct', 'internal_rules_violation'],
          because: [expect.objectContaining({ rule: 'school-unlawful-conduct' }), expect.objectContaining({ rule: 'school-internal-rules' })],
          explanation: expect.stringContaining('versija 2023-01-19.1'),
        },
        { key: 'municipal_police', emails: ['pasv.policija@aizkraukle.lv'], grounds: ['unlawful_conduct', 'internal_rules_violation'] },
      ],
      warnings: [],
    });
    const row = await svc.deps.db.selectFrom('cases').selectAll().where('id', '=', res.body.id).executeTakeFirstOrThrow();
    expect(row.institution_id).toBe(svc.schoolId);
    expect(row.created_by).toMatch(/^key:/);
    // The register finds the case by the child's name without opening its data.
    expect(row.child_name_hash).toBe(childNameHasher(svc.config.dataKey)('čakste  žanis'));
  });

  it('names the missing preconditions as warnings, and still stores the case', async () => {
    const res = await svc.postCase(exampleCase('minimal'));
    expect(res.status).toBe(201);
    expect(res.body.recipients.map((r: { key: string }) => r.key)).toEqual(['state_police']);
    expect(res.body.warnings).toEqual([
      expect.objectContaining({ code: 'NO_SUPPORT_STAFF_ACTION', recipients: ['state_police'], paragraph: '2', message: expect.any(String) }),
      expect.objectContaining({ code: 'PARENTS_NOT_INFORMED_IN_WRITING' }),
      expect.objectContaining({ code: 'NO_ADMINISTRATION_ACTION' }),
    ]);
  });

  it('takes the sender from the key, never from the body', async () => {
    const res = await svc.postCase({ ...exampleCase('minimal'), sender: socialServiceInstitution.id, institutionId: 'x' });
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual([
      { path: 'sender', message: 'nav zināms lauks' },
      { path: 'institutionId', message: 'nav zināms lauks' },
    ]);
  });

  it("routes by the sender's kind, and refuses a ground that kind may not state with 400 naming it", async () => {
    const serviceId = await svc.addInstitution(socialServiceInstitution);
    const key = await svc.apiKey(serviceId, 'clerk');
    const ok = await svc.postCase({ ...exampleCase('minimal'), grounds: ['family_not_cooperating'] }, key);
    expect(ok.status).toBe(201);
    expect(ok.body.recipients.map((r: { key: string }) => r.key)).toEqual(['cooperation_group']);
    expect(ok.body.warnings.map((w: { code: string }) => w.code)).toEqual(['NO_SOCIAL_WORKER_ACTION']);

    const before = (await svc.deps.db.selectFrom('cases').select('id').execute()).length;
    const refused = await svc.postCase({ ...exampleCase('minimal'), grounds: ['custody_question', 'unlawful_conduct'] }, key);
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe('GROUND_NOT_ALLOWED');
    expect(refused.body.error.message).toContain('“unlawful_conduct”');
    expect(refused.body.error.details).toEqual([{ path: 'grounds[1]', message: expect.stringContaining('“unlawful_conduct”') }]);
    expect((await svc.deps.db.selectFrom('cases').select('id').execute()).length).toBe(before);
  });

  it('names every invalid field in Latvian', async () => {
    const c = exampleCase('social-problems') as Record<string, any>;
    c.child.birthDate = '2014-02-30';
    c.child.personalCode = '321099-10006';
    c.parents[0].email = 'nav-adrese';
    const res = await svc.postCase(c);
    expect(res.status).toBe(400);
    expect(res.body.error).toEqual({
      code: 'VALIDATION_FAILED',
      message: 'Pieprasījuma dati nav derīgi: 3 kļūdas.',
      details: [
        { path: 'child.personalCode', message: 'kontrolcipars nesakrīt — pārbaudiet, vai kods ievadīts pareizi' },
        { path: 'child.birthDate', message: 'jābūt reālam datumam formātā GGGG-MM-DD' },
        { path: 'parents[0].email', message: 'nav derīga e-pasta adrese' },
      ],
    });
  });

  it('reads a case back with its routing and work materials, and audits creation and reading by ids only', async () => {
    const created = await svc.postCase();
    const res = await svc.request.get(`/api/v1/cases/${created.body.id}`).set(...svc.auth());
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('private, no-store');
    expect(res.body).toMatchObject({
      id: created.body.id,
      externalReference: 'SK-2026-0117',
      recipients: created.body.recipients,
      warnings: [],
      attachments: [],
      case: { child: { fullName: 'Ģirts Ķēniņš', personalCode: '321099-10005' }, grounds: ['social_problems_in_family'] },
    });
    const createdEntry = (await auditOf('case.created')).find((e) => e.object_id === created.body.id)!;
    expect(JSON.parse(createdEntry.details)).toEqual({ scheme: 'aizkraukle@2023-01-19.1', recipients: 'social_service', warnings: '' });
    const readEntry = (await auditOf('case.read')).find((e) => e.object_id === created.body.id)!;
    expect(readEntry.actor).toMatch(/^key:/);
    const everything = JSON.stringify(await svc.deps.db.selectFrom('audit_log').selectAll().execute());
    expect(everything).not.toContain('Ķēniņ');
    expect(everything).not.toContain('321099');
  });

  it("answers another institution's case as not found", async () => {
    const created = await svc.postCase();
    const otherId = await svc.addInstitution({ ...schoolInstitution, id: 'cita-skola', registerPrefix: '2-1' });
    const other = await svc.apiKey(otherId, 'clerk');
    const res = await svc.request.get(`/api/v1/cases/${created.body.id}`).set(...svc.auth(other));
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('CASE_NOT_FOUND');
    expect((await svc.request.get('/api/v1/cases/no-such-case').set(...svc.auth())).status).toBe(404);
  });

  it('keeps case data and routing only through the sealer', async () => {
    const original = svc.deps.sealer;
    svc.deps.sealer = {
      encrypts: true,
      seal: (plain) => `sealed:${Buffer.from(plain).toString('base64')}`,
      open: (stored) => Buffer.from(stored.replace(/^sealed:/, ''), 'base64').toString(),
    };
    try {
      const created = await svc.postCase();
      const row = await svc.deps.db.selectFrom('cases').selectAll().where('id', '=', created.body.id).executeTakeFirstOrThrow();
      expect(row.data).toMatch(/^sealed:/);
      expect(row.routing).toMatch(/^sealed:/);
      const read = await svc.request.get(`/api/v1/cases/${created.body.id}`).set(...svc.auth());
      expect(read.body.case.child.fullName).toBe('Ģirts Ķēniņš');
    } finally {
      svc.deps.sealer = original;
    }
  });

  it('lets only roles with the permission create and read cases', async () => {
    const auditor = await svc.apiKey(svc.schoolId, 'auditor');
    expect((await svc.postCase(exampleCase('minimal'), auditor)).status).toBe(403);
    const created = await svc.postCase();
    expect((await svc.request.get(`/api/v1/cases/${created.body.id}`).set(...svc.auth(auditor))).status).toBe(403);
    expect((await svc.request.post('/api/v1/cases').send(exampleCase('minimal'))).status).toBe(401);
  });

  it('counts created cases in /metrics', async () => {
    const count = async () => Number(/sutne_cases_created_total (\d+)/.exec((await svc.request.get('/metrics')).text)?.[1]);
    const before = await count();
    await svc.postCase();
    expect(await count()).toBe(before + 1);
  });

  it('publishes the scheme in use and documents the case body with its grounds', async () => {
    const scheme = await svc.request.get('/api/v1/scheme').set(...svc.auth());
    expect(scheme.body.grounds.map((g: { key: string }) => g.key)).toContain('custody_question');
    expect(scheme.body.recipients.find((r: { key: string }) => r.key === 'state_police').emails).toHaveLength(2);
    const doc = (await svc.request.get('/openapi.json')).body;
    const body = doc.paths['/api/v1/cases'].post.requestBody.content['application/json'].schema;
    expect(body.properties.grounds.items.enum).toContain('social_problems_in_family');
    expect(doc.paths['/api/v1/referrals'].post.requestBody.content['multipart/form-data']).toBeDefined();
  });
});

describe('a second municipality, loaded through SCHEME_DIR', () => {
  let svc: CaseService;
  beforeAll(async () => {
    svc = await startCaseService('sqlite', { SCHEME_DIR: ozolkalniDir });
  });
  afterAll(() => svc.close());

  it('routes by its own recipients and grounds, and knows nothing of Aizkraukle', async () => {
    const res = await svc.postCase({ ...exampleCase('minimal'), grounds: ['bullying'] });
    expect(res.status).toBe(201);
    expect(res.body.scheme).toEqual({ profile: 'ozolkalni', version: '2025-06-01.2' });
    expect(res.body.recipients.map((r: { key: string; name: string }) => [r.key, r.name])).toEqual([
      ['family_support', 'Ozolkalnu novada Ģimenes atbalsta centrs'],
      ['state_police', 'Valsts policijas Ozolkalnu iecirknis'],
    ]);
    expect(res.body.warnings.map((w: { code: string }) => w.code)).toEqual(['NO_CLASS_TEACHER_TALK']);
    const refused = await svc.postCase(exampleCase('minimal'));
    expect(refused.status).toBe(400);
    expect(refused.body.error.details[0].path).toBe('grounds[0]');
  });
});
