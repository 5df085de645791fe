import { dialects } from '../support/databases';
import { sha256, startCaseService, type CaseService } from './case-service';
import { exampleCase } from './scheme-fixture';
import * as files from './sample-files';

describe.each(dialects)('referrals on %s', (dialect) => {
  let svc: CaseService;
  beforeAll(async () => {
    svc = await startCaseService(dialect);
  });
  afterAll(() => svc.close());

  const counts = async () => ({
    cases: (await svc.deps.db.selectFrom('cases').select('id').execute()).length,
    attachments: (await svc.deps.db.selectFrom('attachments').select('id').execute()).length,
    letters: (await svc.deps.db.selectFrom('letters').select('id').execute()).length,
  });
  const referral = () => svc.request.post('/api/v1/referrals').set(...svc.auth());

  it('creates the case and its work materials in one request', async () => {
    const pdf = await files.pdf('nosūtījums');
    const res = await referral()
      .field('case', JSON.stringify(exampleCase('police')))
      .attach('file', pdf, 'Psihologa atzinums.pdf')
      .attach('file', files.png, 'foto.png');
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      case: {
        id: expect.any(String),
        recipients: [{ key: 'state_police' }, { key: 'municipal_police' }],
        warnings: [],
        attachments: [
          { filename: 'Psihologa atzinums.pdf', contentType: 'application/pdf', sha256: sha256(pdf) },
          { filename: 'foto.png', contentType: 'image/png' },
        ],
      },
      letters: [
        { recipient: { key: 'state_police' }, status: 'draft', registrationNumber: expect.stringMatching(/^1-13\/\d{4}\/\d+$/) },
        { recipient: { key: 'municipal_police' }, status: 'draft' },
      ],
    });
    expect(res.body.letters[0].attachments.map((a: { id: string }) => a.id)).toEqual(res.body.case.attachments.map((a: { id: string }) => a.id));
    const read = await svc.request.get(`/api/v1/cases/${res.body.case.id}`).set(...svc.auth());
    expect(read.body.attachments.map((a: { id: string }) => a.id)).toEqual(res.body.case.attachments.map((a: { id: string }) => a.id));
  });

  it('takes the case part sent as a file, as curl -F case=@case.json does', async () => {
    const res = await referral()
      .attach('case', Buffer.from(JSON.stringify(exampleCase('minimal'))), { filename: 'case.json', contentType: 'application/json' })
      .attach('file', files.png, 'foto.png');
    expect(res.status).toBe(201);
    expect(res.body.case.attachments).toHaveLength(1);
  });

  it('takes a referral without files', async () => {
    const res = await referral().field('case', JSON.stringify(exampleCase('minimal')));
    expect(res.status).toBe(201);
    expect(res.body.case.attachments).toEqual([]);
  });

  it('names invalid fields inside the case part, and refuses a ground before reading any file', async () => {
    const bad = { ...exampleCase('minimal'), grounds: ['family_not_cooperating'] };
    const before = await counts();
    const res = await referral().field('case', JSON.stringify(bad)).attach('file', files.png, 'a.png');
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('GROUND_NOT_ALLOWED');
    expect(res.body.error.details).toEqual([{ path: 'case.grounds[0]', message: expect.any(String) }]);
    const invalid = await referral().field('case', JSON.stringify({ ...exampleCase('minimal'), situation: '' }));
    expect(invalid.body.error.details).toEqual([{ path: 'case.situation', message: 'nedrīkst būt tukšs' }]);
    expect((await referral().field('case', '{"child": ')).body.error.code).toBe('INVALID_JSON');
    expect(await counts()).toEqual(before);
  });

  it('needs the case part, first, once', async () => {
    const missing = await referral().attach('file', files.png, 'a.png');
    expect(missing.status).toBe(400);
    expect(missing.body.error.details).toEqual([{ path: 'case', message: 'jābūt pirmajai daļai' }]);
    expect((await referral().field('note', 'x')).body.error.details).toEqual([{ path: 'note', message: 'nav zināma daļa' }]);
    const twice = await referral().field('case', JSON.stringify(exampleCase('minimal'))).field('case', JSON.stringify(exampleCase('minimal')));
    expect(twice.body.error.details).toEqual([{ path: 'case', message: 'norādīta divreiz' }]);
    const nothing = await referral().field('other', '').type('multipart/form-data');
    expect(nothing.status).toBe(400);
  });

  it('creates nothing when one of the files is refused', async () => {
    const before = await counts();
    const pdf = await files.pdf(`referral ${dialect}`);
    const res = await referral()
      .field('case', JSON.stringify(exampleCase('social-problems')))
      .attach('file', pdf, 'labs.pdf')
      .attach('file', files.exe(), 'slikts.pdf');
    expect(res.status).toBe(415);
    expect(await counts()).toEqual(before);
    expect(await svc.deps.blobs.has(sha256(pdf))).toBe(false);
    expect(svc.tmpFiles()).toEqual([]);
  });
});
