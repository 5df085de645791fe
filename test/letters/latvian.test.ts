import { capitalize, dativeOfName, formatBytes, formatDate, genderOfName, genderOfRelation, pupilWord, rigaDate } from '../../src/letters/latvian';
import { formatRegistrationNumber, registerYear } from '../../src/letters';

describe('Latvian dates', () => {
  it('writes dates as official documents do', () => {
    expect(formatDate('2026-11-03')).toBe('2026. gada 3. novembrī');
    expect(formatDate('2026-11-03', 'nom')).toBe('2026. gada 3. novembris');
    expect(formatDate('2026-11-03', 'gen')).toBe('2026. gada 3. novembra');
    expect(formatDate('2026-11-03', 'short')).toBe('03.11.2026.');
    expect(formatDate('2011-02-01')).toBe('2011. gada 1. februārī');
  });

  it('has every month in the locative', () => {
    const months = Array.from({ length: 12 }, (_, i) => formatDate(`2026-${String(i + 1).padStart(2, '0')}-15`).split(' ').pop());
    expect(months).toEqual(['janvārī', 'februārī', 'martā', 'aprīlī', 'maijā', 'jūnijā', 'jūlijā', 'augustā', 'septembrī', 'oktobrī', 'novembrī', 'decembrī']);
  });

  it('refuses what is not a date', () => {
    expect(() => formatDate('03.11.2026')).toThrow(/Not a date/);
    expect(() => formatDate('2026-13-01')).toThrow(/Not a date/);
  });

  it('counts the register year in Latvian time', () => {
    expect(rigaDate(new Date('2026-12-31T22:30:00Z'))).toBe('2027-01-01');
    expect(registerYear(new Date('2026-12-31T22:30:00Z'))).toBe(2027);
    expect(registerYear(new Date('2026-12-31T21:30:00Z'))).toBe(2026);
    expect(formatRegistrationNumber('1-13', 2026, 5)).toBe('1-13/2026/5');
  });
});

describe('Latvian names', () => {
  it.each([
    ['Ģirts Ķēniņš', 'm'], ['Žanis Čakste', 'm'], ['Jānis Bērziņš', 'm'], ['Ingus Ozols', 'm'], ['Ņikita Petrovs', 'm'],
    ['Marta Ozola', 'f'], ['Līga Ķēniņa', 'f'], ['Inese Ābele', 'f'], ['Anna-Marija Liepa', 'f'], ['Iris Kalna', 'f'],
    ['Oto Hugo', undefined], ['Li', undefined],
  ])('tells the gender of %s', (name, gender) => {
    expect(genderOfName(name)).toBe(gender);
  });

  it('tells the gender of a kinship word', () => {
    expect(genderOfRelation('māte')).toBe('f');
    expect(genderOfRelation('Tēvs')).toBe('m');
    expect(genderOfRelation('aizbildne')).toBe('f');
    expect(genderOfRelation('aizbildnis')).toBe('m');
    expect(genderOfRelation('likumiskais pārstāvis')).toBeUndefined();
  });

  it.each([
    ['Līga Ķēniņa', 'f', 'Līgai Ķēniņai'],
    ['Inese Zāģere', 'f', 'Inesei Zāģerei'],
    ['Liene Bērziņa-Ozola', 'f', 'Lienei Bērziņai-Ozolai'],
    ['Edgars Čakste', 'm', 'Edgaram Čakstem'],
    ['Jānis Kalnietis', 'm', 'Jānim Kalnietim'],
    ['Ingus Ozols', 'm', 'Ingum Ozolam'],
    ['Pēteris Kalniņš', 'm', 'Pēterim Kalniņam'],
    ['Ņikita Petrenko', 'm', 'Ņikitam Petrenko'],
    ['John Smith', undefined, 'John Smith'],
    ['Olga K.', 'f', 'Olgai K.'],
  ] as const)('writes %s in the dative', (name, gender, dative) => {
    expect(dativeOfName(name, gender)).toBe(dative);
  });

  it('has the pupil in every case, and "bērns" for senders that are not educational', () => {
    expect(['nom', 'gen', 'dat', 'acc', 'loc'].map((c) => pupilWord(c as never, 'm', true))).toEqual(['izglītojamais', 'izglītojamā', 'izglītojamajam', 'izglītojamo', 'izglītojamajā']);
    expect(['nom', 'gen', 'dat', 'acc', 'loc'].map((c) => pupilWord(c as never, 'f', true))).toEqual(['izglītojamā', 'izglītojamās', 'izglītojamajai', 'izglītojamo', 'izglītojamajā']);
    expect(pupilWord('gen', undefined, true)).toBe('izglītojamā');
    expect(pupilWord('gen', 'f', false)).toBe('bērna');
    expect(() => pupilWord('abl' as never, 'm', true)).toThrow(/Unknown grammatical case/);
  });
});

describe('Latvian numbers', () => {
  it('agrees "baits" with the number and groups digits', () => {
    expect(formatBytes(1)).toBe('1\u00A0baits');
    expect(formatBytes(11)).toBe('11\u00A0baiti');
    expect(formatBytes(21)).toBe('21\u00A0baits');
    expect(formatBytes(20561)).toBe('20\u00A0561\u00A0baits');
    expect(formatBytes(26214400)).toBe('26\u00A0214\u00A0400\u00A0baiti');
  });

  it('capitalises a position that opens a line', () => {
    expect(capitalize('direktors')).toBe('Direktors');
    expect(capitalize('ēkas pārvaldnieks')).toBe('Ēkas pārvaldnieks');
    expect(capitalize('')).toBe('');
  });
});
