import { schoolInstitution, startTestService, type TestService } from '../support/service';
import { dialects } from '../support/databases';
import { insertFixtureLetter, type FixtureLetter } from './support/fixtures';

describe.each(dialects)('the register (GET /api/v1/letters) on %s', (dialect) => {
  let svc: TestService;
  let school: string;
  let other: string;
  let auditor: string;
  const letters: FixtureLetter[] = [];
  let foreign: FixtureLetter;

  const get = (path: string, key = auditor) => svc.request.get(path).set('Authorization', `Bearer ${key}`);

  beforeAll(async () => {
    svc = await startTestService(dialect);
    school = await svc.addInstitution();
    other = await svc.addInstitution({ ...schoolInstitution, id: 'cita-skola', registerPrefix: '2-1' });
    auditor = await svc.apiKey(school, 'auditor');
    // 2026-03-01T22:30Z is already 2 March in Riga.
    const times = ['2026-02-28T10:00:00.000Z', '2026-03-01T22:30:00.000Z', '2026-03-05T08:00:00.000Z', '2026-03-05T08:00:00.000Z', '2026-04-01T09:00:00.000Z'];
    const statuses = ['sent', 'sent', 'failed', 'signed', 'sent'];
    for (const [i, createdAt] of times.entries()) {
      letters.push(await insertFixtureLetter(svc.deps, {
        institutionId: school, createdAt, status: statuses[i]!, recipientKey: i % 2 ? 'state_police' : 'social_service',
        childName: i === 1 ? 'Anna Ozoliņa' : 'Jānis Bērziņš',
        materials: i === 0 ? [{ filename: 'raksturojums.pdf', content: Buffer.from('materials') }] : [],
      }));
    }
    foreign = await insertFixtureLetter(svc.deps, { institutionId: other, createdAt: '2026-03-03T10:00:00.000Z', childName: 'Jānis Bērziņš' });
  });
  afterAll(() => svc.close());

  const ids = (body: { items: Array<{ id: string }> }) => body.items.map((l) => l.id);
  const newestFirst = () => [...letters].sort((a, b) => (a.createdAt === b.createdAt ? (a.id < b.id ? 1 : -1) : a.createdAt < b.createdAt ? 1 : -1));

  it('lists CONTRACT letters of the own institution only, newest first', async () => {
    const res = await get('/api/v1/letters');
    expect(res.status).toBe(200);
    expect(ids(res.body)).toEqual(newestFirst().map((l) => l.id));
    expect(ids(res.body)).not.toContain(foreign.id);
    expect(res.body.nextCursor).toBeNull();
    const first = res.body.items.find((l: { id: string }) => l.id === letters[0]!.id);
    expect(first).toEqual({
      id: letters[0]!.id, caseId: letters[0]!.caseId, registrationNumber: letters[0]!.registrationNumber,
      recipient: { key: 'social_service', name: 'Adresāts social_service', emails: ['social_service@example.lv'] },
      grounds: ['social_problems_in_family'], status: 'sent', template: { id: 'letter-social-service', version: '1' },
      pdf: { sha256: expect.stringMatching(/^[0-9a-f]{64}$/), size: expect.any(Number) },
      attachments: [{ id: letters[0]!.attachmentIds[0], filename: 'raksturojums.pdf', sha256: expect.stringMatching(/^[0-9a-f]{64}$/), size: 9 }],
      signedAt: '2026-02-28T10:00:00.000Z', timestamp: { genTime: '2026-02-28T10:00:00.000Z', tsa: 'Test TSA' },
      sentAt: '2026-02-28T10:00:00.000Z', messageId: `<${letters[0]!.id}@test>`, attempts: 1, delivery: { transport: 'capture' }, createdAt: '2026-02-28T10:00:00.000Z',
    });
  });

  it('pages by cursor without repeating or skipping, while new letters arrive', async () => {
    const seen: string[] = [];
    let res = await get('/api/v1/letters?limit=2');
    seen.push(...ids(res.body));
    const arrived = await insertFixtureLetter(svc.deps, { institutionId: school, createdAt: '2026-05-01T00:00:00.000Z' });
    while (res.body.nextCursor) {
      res = await get(`/api/v1/letters?limit=2&cursor=${encodeURIComponent(res.body.nextCursor)}`);
      expect(res.status).toBe(200);
      seen.push(...ids(res.body));
    }
    expect(seen).toEqual(newestFirst().map((l) => l.id));
    expect(ids((await get('/api/v1/letters?limit=1')).body)).toEqual([arrived.id]);
    await svc.deps.db.deleteFrom('letters').where('id', '=', arrived.id).execute();
  });

  it('filters by status, recipient, Latvian days, registration number', async () => {
    expect(ids((await get('/api/v1/letters?status=failed,signed')).body).sort()).toEqual([letters[2]!.id, letters[3]!.id].sort());
    expect(ids((await get('/api/v1/letters?recipient=state_police')).body).sort()).toEqual([letters[1]!.id, letters[3]!.id].sort());
    expect(ids((await get('/api/v1/letters?from=2026-03-02&to=2026-03-05')).body).sort()).toEqual([letters[1]!.id, letters[2]!.id, letters[3]!.id].sort());
    expect(ids((await get('/api/v1/letters?to=2026-03-01')).body)).toEqual([letters[0]!.id]);
    expect(ids((await get('/api/v1/letters?from=2026-03-05T08:00:00Z&status=sent')).body)).toEqual([letters[4]!.id]);
    const reg = encodeURIComponent(letters[2]!.registrationNumber);
    expect(ids((await get(`/api/v1/letters?registrationNumber=${reg}`)).body)).toEqual([letters[2]!.id]);
  });

  it("finds letters by the child's name however it is written, for roles allowed personal data", async () => {
    const clerk = await svc.apiKey(school, 'clerk');
    const res = await get(`/api/v1/letters?childName=${encodeURIComponent('ozolina  ANNA')}`, clerk);
    expect(ids(res.body)).toEqual([letters[1]!.id]);
    expect(ids((await get(`/api/v1/letters?childName=${encodeURIComponent('Jānis Bērziņš')}`)).body)).not.toContain(foreign.id);
    const admin = await svc.apiKey(school, 'admin');
    const refused = await get('/api/v1/letters?childName=Anna%20Ozoli%C5%86a', admin);
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toContain('register:personal');
    expect((await get('/api/v1/letters', admin)).status).toBe(200);
  });

  it('names every bad query field', async () => {
    const res = await get('/api/v1/letters?limit=0&status=lost&from=yesterday&cursor=abc&colour=red');
    expect(res.status).toBe(400);
    expect(res.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual(['colour', 'from', 'limit', 'status[0]']);
    const cursor = await get('/api/v1/letters?cursor=bm90IGEgY3Vyc29y');
    expect(cursor.status).toBe(400);
    expect(cursor.body.error.details).toEqual([{ path: 'cursor', message: expect.stringContaining('nextCursor') }]);
    expect((await get('/api/v1/letters?from=2026-04-01&to=2026-03-01')).body.error.details).toEqual([{ path: 'to', message: 'must not be before from' }]);
  });

  it('refuses callers without a key', async () => {
    expect((await svc.request.get('/api/v1/letters')).status).toBe(401);
  });

  it("shows a letter's audit history, and another institution's letter is not found", async () => {
    const res = await get(`/api/v1/letters/${letters[0]!.id}/history`);
    expect(res.status).toBe(200);
    expect(res.body.items.map((e: { action: string }) => e.action)).toEqual(['attachment.uploaded', 'letter.rendered', 'letter.signed', 'letter.queued', 'letter.sent']);
    expect(res.body.items[0]).toMatchObject({ n: expect.any(Number), actor: 'test', objectType: 'attachment', objectId: letters[0]!.attachmentIds[0] });
    expect(res.body.items[1]).toMatchObject({ objectType: 'letter', objectId: letters[0]!.id });
    const notMine = await get(`/api/v1/letters/${foreign.id}/history`);
    expect(notMine.status).toBe(404);
    expect(notMine.body.error.code).toBe('LETTER_NOT_FOUND');
  });
});
