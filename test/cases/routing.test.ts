import { checkPreconditions, prepareCase, routeCase, type Case, type Scheme } from '../../src/cases';
import { isAppError } from '../../src/errors';
import { caseWith, loadAizkraukle } from './scheme-fixture';

let scheme: Scheme;
beforeAll(async () => {
  scheme = await loadAizkraukle();
});

const keys = (senderKind: string, grounds: string[]) => routeCase(scheme, senderKind, grounds).recipients.map((r) => r.key);

describe('routing by the Aizkraukle scheme', () => {
  // The routing table of SCHEME.md, row by row.
  it.each([
    ['school', 'social_problems_in_family', ['social_service']],
    ['school', 'unlawful_conduct', ['state_police', 'municipal_police']],
    ['school', 'internal_rules_violation', ['state_police', 'municipal_police']],
    ['school', 'parental_duties_neglect', ['state_police']],
    ['school', 'unexcused_absence', ['education_board']],
    ['education_board', 'unexcused_absence', ['cooperation_group']],
    ['social_service', 'family_not_cooperating', ['cooperation_group']],
    ['school', 'custody_question', ['orphans_court']],
    ['social_service', 'custody_question', ['orphans_court']],
    ['education_board', 'custody_question', ['orphans_court']],
    ['other', 'custody_question', ['orphans_court']],
  ])('%s stating %s writes to %j', (senderKind, ground, expected) => {
    expect(keys(senderKind, [ground])).toEqual(expected);
  });

  it('treats a pre-school like a school: the ladder starts with pre-school pedagogues', () => {
    expect(keys('preschool', ['social_problems_in_family'])).toEqual(['social_service']);
  });

  it('sends one letter per recipient with every ground that led to it', () => {
    const routing = routeCase(scheme, 'school', ['unlawful_conduct', 'internal_rules_violation', 'parental_duties_neglect']);
    expect(routing.recipients.map((r) => [r.key, r.grounds])).toEqual([
      ['state_police', ['unlawful_conduct', 'internal_rules_violation', 'parental_duties_neglect']],
      ['municipal_police', ['unlawful_conduct', 'internal_rules_violation']],
    ]);
  });

  it('addresses State Police at both of its addresses, in one recipient', () => {
    const [police] = routeCase(scheme, 'school', ['parental_duties_neglect']).recipients;
    expect(police).toMatchObject({
      key: 'state_police',
      name: 'Valsts policija',
      addressee: 'Valsts policijai',
      emails: ['pasts@vp.gov.lv', 'kanc.aizkraukle@zemgale.vp.gov.lv'],
      template: 'state-police',
    });
  });

  it('explains each recipient: which rule of which scheme version chose it', () => {
    const routing = routeCase(scheme, 'school', ['unlawful_conduct', 'social_problems_in_family']);
    expect(routing.scheme).toEqual({ profile: 'aizkraukle', version: '2023-01-19.1' });
    const police = routing.recipients.find((r) => r.key === 'state_police')!;
    expect(police.because).toEqual([
      { rule: 'school-unlawful-conduct', ground: 'unlawful_conduct', paragraph: '3', text: expect.stringContaining('Valsts policijai') },
    ]);
    expect(police.explanation).toContain('Prettiesiskas darbības');
    expect(police.explanation).toContain('school-unlawful-conduct');
    expect(police.explanation).toContain('3. punkts');
    expect(police.explanation).toContain('2023-01-19.1');
  });

  it.each([
    ['school', 'family_not_cooperating'],
    ['social_service', 'unlawful_conduct'],
    ['education_board', 'social_problems_in_family'],
    ['social_service', 'unexcused_absence'],
    ['other', 'social_problems_in_family'],
  ])('refuses %s stating %s with GROUND_NOT_ALLOWED naming the ground', (senderKind, ground) => {
    let caught: unknown;
    try {
      routeCase(scheme, senderKind, ['custody_question', ground]);
    } catch (err) {
      caught = err;
    }
    expect(isAppError(caught, 'GROUND_NOT_ALLOWED')).toBe(true);
    const err = caught as { message: string; details: Array<{ path: string; message: string }> };
    expect(err.details).toEqual([{ path: 'grounds[1]', message: expect.stringContaining(`“${ground}”`) }]);
    expect(err.message).toContain(ground);
  });
});

describe('warnings for missing preconditions', () => {
  const fullSchool: Pick<Case, 'actionsTaken' | 'parentsInformed'> = {
    actionsTaken: [
      { date: '2026-10-13', stage: 'support_staff', by: 'Sociālā pedagoģe', description: 'Sarunas.' },
      { date: '2026-10-27', stage: 'administration', by: 'Direktors', description: 'Tikšanās.' },
    ],
    parentsInformed: { date: '2026-10-20', method: 'letter' },
  };
  const codes = (senderKind: string, c: Parameters<typeof caseWith>[0]) =>
    prepareCase(scheme, senderKind, caseWith(c)).warnings.map((w) => w.code);

  it('has none when the school shows every step', () => {
    for (const ground of ['social_problems_in_family', 'unlawful_conduct', 'internal_rules_violation', 'parental_duties_neglect']) {
      expect(codes('school', { ...fullSchool, grounds: [ground] })).toEqual([]);
    }
  });

  it('names each missing step of a school, once however many recipients it concerns', () => {
    const warnings = prepareCase(scheme, 'school', caseWith({ grounds: ['unlawful_conduct', 'social_problems_in_family'] })).warnings;
    expect(warnings.map((w) => w.code)).toEqual(['NO_SUPPORT_STAFF_ACTION', 'PARENTS_NOT_INFORMED_IN_WRITING', 'NO_ADMINISTRATION_ACTION']);
    expect(warnings[0]!.recipients).toEqual(['social_service', 'state_police', 'municipal_police']);
    expect(warnings[0]!.message).toMatch(/atbalsta personāla/);
  });

  it('warns NO_SUPPORT_STAFF_ACTION alone when only the support staff is missing', () => {
    const actions = fullSchool.actionsTaken.filter((a) => a.stage !== 'support_staff');
    expect(codes('school', { ...fullSchool, actionsTaken: actions })).toEqual(['NO_SUPPORT_STAFF_ACTION']);
  });

  it('accepts administration and teachers in place of support staff, as the scheme allows', () => {
    const actions = [...fullSchool.actionsTaken.filter((a) => a.stage !== 'support_staff'), { date: '2026-10-01', stage: 'teacher' as const, by: 'Audzinātāja', description: 'Saruna.' }];
    expect(codes('school', { ...fullSchool, actionsTaken: actions })).toEqual([]);
  });

  it('warns PARENTS_NOT_INFORMED_IN_WRITING when parents were told only in person, or not at all', () => {
    expect(codes('school', { ...fullSchool, parentsInformed: { date: '2026-10-20', method: 'in_person' } })).toEqual(['PARENTS_NOT_INFORMED_IN_WRITING']);
    expect(codes('school', { ...fullSchool, parentsInformed: undefined })).toEqual(['PARENTS_NOT_INFORMED_IN_WRITING']);
    expect(codes('school', { ...fullSchool, parentsInformed: { date: '2026-10-20', method: 'e_address' } })).toEqual([]);
  });

  it('warns NO_ADMINISTRATION_ACTION when the administration did not act', () => {
    expect(codes('school', { ...fullSchool, actionsTaken: fullSchool.actionsTaken.filter((a) => a.stage !== 'administration') })).toEqual(['NO_ADMINISTRATION_ACTION']);
  });

  it('warns PARENTS_NOT_INFORMED for unexcused absence reported to the Education Board, in person being enough', () => {
    expect(codes('school', { grounds: ['unexcused_absence'] })).toEqual(['PARENTS_NOT_INFORMED']);
    expect(codes('school', { grounds: ['unexcused_absence'], parentsInformed: { date: '2026-10-20', method: 'in_person' } })).toEqual([]);
  });

  it("warns NO_SOCIAL_WORKER_ACTION when the social service shows no social worker's work", () => {
    expect(codes('social_service', { grounds: ['family_not_cooperating'] })).toEqual(['NO_SOCIAL_WORKER_ACTION']);
    const action = { date: '2026-10-01', stage: 'social_service' as const, by: 'Sociālā darbiniece', description: 'Darbs ar ģimeni.' };
    expect(codes('social_service', { grounds: ['family_not_cooperating'], actionsTaken: [action] })).toEqual([]);
  });

  it('warns NO_EDUCATION_BOARD_ACTION when the Education Board shows no action of its own', () => {
    expect(codes('education_board', { grounds: ['unexcused_absence'] })).toEqual(['NO_EDUCATION_BOARD_ACTION']);
  });

  it('expects nothing before a custody question goes to the orphans court', () => {
    expect(codes('school', { grounds: ['custody_question'] })).toEqual([]);
  });

  it('checks preconditions only for the recipients they concern', () => {
    expect(checkPreconditions(scheme, 'school', ['education_board'], caseWith({ parentsInformed: { date: '2026-10-20', method: 'in_person' } }))).toEqual([]);
  });
});
