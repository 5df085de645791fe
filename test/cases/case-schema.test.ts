import { parseCase, type Scheme } from '../../src/cases';
import { checkDigit } from '../../src/cases/personal-code';
import { isAppError, type ErrorDetail } from '../../src/errors';
import { exampleCase, fixedClock, loadAizkraukle } from './scheme-fixture';

let scheme: Scheme;
beforeAll(async () => {
  scheme = await loadAizkraukle();
});

const parse = (raw: unknown) => parseCase({ scheme, clock: fixedClock }, raw);

/** Every detail of the refusal, by path. */
function refusal(raw: unknown): Record<string, string> {
  try {
    parse(raw);
  } catch (err) {
    if (!isAppError(err, 'VALIDATION_FAILED')) throw err;
    return Object.fromEntries((err.details as ErrorDetail[]).map((d) => [d.path, d.message]));
  }
  throw new Error('expected the case to be refused');
}

/** The example with one change made by `edit`. */
function edited(edit: (c: Record<string, any>) => void, name: 'social-problems' | 'police' | 'minimal' = 'social-problems') {
  const c = exampleCase(name) as Record<string, any>;
  edit(c);
  return c;
}

describe('the case schema', () => {
  it('accepts the three example cases of the contract', () => {
    for (const name of ['minimal', 'police', 'social-problems'] as const) expect(() => parse(exampleCase(name))).not.toThrow();
  });

  it('trims and normalises text, fills defaults, and keeps the personal code in one form', () => {
    const c = parse(edited((c) => {
      c.child.fullName = '  Ģirts Ķe\u0304niņš ';
      c.child.personalCode = '32109910005';
    }));
    expect(c.child.fullName).toBe('Ģirts Ķēniņš');
    expect(c.child.personalCode).toBe('321099-10005');
    expect(parse(exampleCase('minimal'))).toMatchObject({ parents: [], actionsTaken: [] });
  });

  it('takes the birth date from an old-form personal code when it is not given', () => {
    const digits = [1, 4, 0, 3, 1, 4, 2, 0, 0, 1];
    const code = `140314-2001${checkDigit(digits)}`;
    const c = parse(edited((c) => {
      c.child.personalCode = code;
      delete c.child.birthDate;
    }));
    expect(c.child.birthDate).toBe('2014-03-14');
    expect(refusal(edited((c) => {
      c.child.personalCode = code;
      c.child.birthDate = '2014-03-15';
    }))).toEqual({ 'child.birthDate': 'nesakrīt ar personas kodā ietverto dzimšanas datumu' });
  });

  it('needs a birth date when the personal code is of the new form or missing', () => {
    expect(refusal(edited((c) => delete c.child.birthDate))).toEqual({
      'child.birthDate': 'obligāts lauks, jo jaunā parauga personas kodā dzimšanas datuma nav',
    });
    expect(refusal(edited((c) => delete c.child.birthDate, 'minimal'))).toEqual({ 'child.birthDate': 'obligāts lauks' });
  });

  it('refuses unknown fields, each named by its path', () => {
    expect(refusal(edited((c) => {
      c.sender = 'x';
      c.child.nickname = 'x';
      c.actionsTaken[1].result = 'x';
    }))).toEqual({ sender: 'nav zināms lauks', 'child.nickname': 'nav zināms lauks', 'actionsTaken[1].result': 'nav zināms lauks' });
  });

  it('names every missing required field at once', () => {
    expect(refusal({})).toEqual({
      child: 'obligāts lauks',
      grounds: 'obligāts lauks',
      situation: 'obligāts lauks',
      signatory: 'obligāts lauks',
    });
  });

  it('refuses dates that do not exist, are in the future or before 1900', () => {
    expect(refusal(edited((c) => {
      c.child.birthDate = '2016-02-30';
      c.actionsTaken[0].date = '2026-11-26';
      c.actionsTaken[1].date = '26.10.2026';
      c.parentsInformed.date = '1899-12-31';
    }))).toEqual({
      'child.birthDate': 'jābūt reālam datumam formātā GGGG-MM-DD',
      'actionsTaken[0].date': 'datums nevar būt nākotnē',
      'actionsTaken[1].date': 'jābūt reālam datumam formātā GGGG-MM-DD',
      'parentsInformed.date': 'datums nevar būt pirms 1900. gada',
    });
  });

  it("judges 'not in the future' by the date in Latvia", () => {
    // 22:30 UTC on 25 November is already 26 November in Riga.
    const lateEvening = { now: () => new Date('2026-11-25T22:30:00.000Z') };
    const c = edited((c) => (c.actionsTaken[0].date = '2026-11-26'));
    expect(parseCase({ scheme, clock: lateEvening }, c).actionsTaken[0]!.date).toBe('2026-11-26');
  });

  it('refuses actions and notices dated before the child was born', () => {
    expect(refusal(edited((c) => {
      c.actionsTaken[2].date = '2014-03-08';
      c.parentsInformed.date = '2010-01-01';
    }))).toEqual({
      'actionsTaken[2].date': 'datums ir pirms bērna dzimšanas datuma',
      'parentsInformed.date': 'datums ir pirms bērna dzimšanas datuma',
    });
  });

  it('refuses a personal code with a wrong check digit, a wrong shape or a date that does not exist', () => {
    expect(refusal(edited((c) => (c.child.personalCode = '321099-10006')))).toEqual({
      'child.personalCode': 'kontrolcipars nesakrīt — pārbaudiet, vai kods ievadīts pareizi',
    });
    expect(refusal(edited((c) => (c.child.personalCode = '3210-9910005')))).toEqual({ 'child.personalCode': 'jābūt formā DDMMGG-CNNNN vai 32NNNN-NNNNN' });
    const feb30 = [3, 0, 0, 2, 1, 4, 2, 0, 0, 1];
    expect(refusal(edited((c) => (c.child.personalCode = `300214-2001${checkDigit(feb30)}`)))).toEqual({
      'child.personalCode': 'personas kodā nav reāla dzimšanas datuma',
    });
  });

  it('refuses a personal code whose birth date is in the future', () => {
    const future = [0, 1, 0, 1, 2, 7, 2, 0, 0, 1];
    expect(refusal(edited((c) => (c.child.personalCode = `010127-2001${checkDigit(future)}`)))).toEqual({
      'child.personalCode': 'personas kodā ir nākotnes datums',
    });
  });

  it('refuses bad e-mail addresses and phone numbers', () => {
    expect(refusal(edited((c) => {
      c.parents[0].email = 'liga.kenina@';
      c.parents[0].phone = '+371 1234';
      c.contactPerson.phone = '20 00 00 0';
      c.contactPerson.email = 'x'.repeat(250) + '@example.lv';
    }))).toEqual({
      'parents[0].email': 'nav derīga e-pasta adrese',
      'parents[0].phone': 'Latvijas numuram jābūt 8 cipariem, kas sākas ar 2, 6, 8 vai 9',
      'contactPerson.phone': 'Latvijas numuram jābūt 8 cipariem, kas sākas ar 2, 6, 8 vai 9',
      'contactPerson.email': 'drīkst būt ne vairāk kā 254 rakstzīmes',
    });
    expect(refusal(edited((c) => (c.parents[0].phone = 'zvanīt vakarā')))).toEqual({ 'parents[0].phone': 'jābūt tālruņa numuram, piemēram, +371 20000000' });
    expect(refusal(edited((c) => (c.parents[0].phone = '+49 30')))).toEqual({ 'parents[0].phone': 'starptautiskajam numuram jābūt 8–15 cipariem ar valsts kodu' });
  });

  it('accepts Latvian numbers written in the usual ways and foreign numbers with their code', () => {
    for (const phone of ['+371 20000001', '0037165100003', '26 123 456', '+49 30 1234567', '(+371) 6510-0000']) {
      expect(parse(edited((c) => (c.parents[0].phone = phone))).parents[0]!.phone).toBe(phone);
    }
  });

  it('bounds every text and list', () => {
    expect(refusal(edited((c) => {
      c.situation = 'x'.repeat(20_001);
      c.child.group = 'x'.repeat(51);
      c.actionsTaken = Array.from({ length: 101 }, () => c.actionsTaken[0]);
      c.parents = Array.from({ length: 7 }, () => c.parents[0]);
      c.externalReference = '';
    }))).toEqual({
      situation: 'drīkst būt ne vairāk kā 20000 rakstzīmes',
      'child.group': 'drīkst būt ne vairāk kā 51 rakstzīmes'.replace('51', '50'),
      actionsTaken: 'drīkst norādīt ne vairāk kā 100 darbības',
      parents: 'drīkst norādīt ne vairāk kā 6 vecākus vai aizbildņus',
      externalReference: 'nedrīkst būt tukšs',
    });
  });

  it('refuses control characters, and line breaks in one-line fields', () => {
    expect(refusal(edited((c) => {
      c.child.fullName = 'Ģirts\nĶēniņš';
      c.signatory.position = 'direktors\u202E';
      c.situation = 'Teksts ar\u0000nulli';
    }))).toEqual({
      'child.fullName': 'jābūt vienā rindā, bez vadības rakstzīmēm',
      'signatory.position': 'jābūt vienā rindā, bez vadības rakstzīmēm',
      situation: 'satur neatļautas vadības rakstzīmes',
    });
    expect(parse(edited((c) => (c.situation = 'Pirmā rinda.\r\nOtrā\trinda.'))).situation).toBe('Pirmā rinda.\r\nOtrā\trinda.');
  });

  it('refuses a name without letters', () => {
    expect(refusal(edited((c) => (c.signatory.fullName = '12')))).toEqual({ 'signatory.fullName': 'jābūt vārdam un uzvārdam' });
  });

  it("refuses grounds the scheme does not know, an empty list, and a ground given twice", () => {
    expect(refusal(edited((c) => (c.grounds = ['hunger'])))).toEqual({ 'grounds[0]': expect.stringMatching(/^jābūt vienai no vērtībām: social_problems_in_family, /) });
    expect(refusal(edited((c) => (c.grounds = [])))).toEqual({ grounds: 'jānorāda vismaz viens pamats' });
    expect(refusal(edited((c) => (c.grounds = ['unlawful_conduct', 'unlawful_conduct'])))).toEqual({ 'grounds[1]': 'šis pamats jau norādīts' });
  });

  it('refuses unknown stages and methods, and wrong types', () => {
    expect(refusal(edited((c) => {
      c.actionsTaken[0].stage = 'police';
      c.parentsInformed.method = 'phone';
      c.parents = {};
      c.child.birthDate = 20140309;
    }))).toEqual({
      'actionsTaken[0].stage': 'jābūt vienai no vērtībām: teacher, support_staff, administration, social_service, education_board',
      'parentsInformed.method': 'jābūt vienai no vērtībām: letter, email, e_address, in_person',
      parents: 'jābūt: saraksts',
      'child.birthDate': 'jābūt: teksts',
    });
  });

  it('sums the problems up in Latvian', () => {
    try {
      parse({});
    } catch (err) {
      expect((err as Error).message).toBe('Lietas dati nav derīgi: 4 kļūdas.');
    }
    expect.assertions(1);
  });
});
