import { checkDigit, checkPersonalCode } from '../../src/cases/personal-code';

describe('Latvian personal codes', () => {
  it.each([
    ['323691-93794', '323691-93794'],
    ['32073120115', '320731-20115'],
    ['321099-10005', '321099-10005'],
  ])('accepts the new form %s (no birth date in it)', (input, normalised) => {
    expect(checkPersonalCode(input)).toEqual({ ok: true, code: normalised, birthDate: undefined });
  });

  it('accepts the old form and reads the birth date and century from it', () => {
    // 140314-2xxxx: 14 March 2014 (century digit 2); check digit computed by the published rule.
    const base = [1, 4, 0, 3, 1, 4, 2, 0, 0, 1];
    const code = `140314-${base.slice(6).join('')}${checkDigit(base)}`;
    expect(checkPersonalCode(code)).toEqual({ ok: true, code, birthDate: '2014-03-14' });
    const nineties = [0, 1, 0, 1, 9, 9, 1, 2, 3, 4];
    expect(checkPersonalCode(`010199-1234${checkDigit(nineties)}`)).toMatchObject({ ok: true, birthDate: '1999-01-01' });
  });

  it('refuses a wrong check digit', () => {
    expect(checkPersonalCode('323691-93795')).toEqual({ ok: false, reason: 'check_digit' });
  });

  it('refuses a date that does not exist, and an unknown century', () => {
    const feb30 = [3, 0, 0, 2, 1, 4, 2, 0, 0, 1];
    expect(checkPersonalCode(`300214-2001${checkDigit(feb30)}`)).toEqual({ ok: false, reason: 'date' });
    const century5 = [0, 1, 0, 1, 1, 4, 5, 0, 0, 0];
    expect(checkPersonalCode(`010114-5000${checkDigit(century5)}`)).toEqual({ ok: false, reason: 'century' });
  });

  it.each(['12345', '32369193794x', '3236-9193794', '', 'abcdef-ghijk'])('refuses the shape of %j', (input) => {
    expect(checkPersonalCode(input)).toEqual({ ok: false, reason: 'shape' });
  });

  it('never issues a code whose remainder is 10', () => {
    // Find ten digits whose check would be 10; no eleventh digit makes such a code valid.
    const candidates = Array.from({ length: 100 }, (_, n) => [3, 2, 0, 0, 0, 0, 0, 0, Math.floor(n / 10), n % 10]);
    const digits = candidates.find((c) => checkDigit(c) === undefined)!;
    expect(digits).toBeDefined();
    for (let k = 0; k < 10; k++) expect(checkPersonalCode(`${digits.slice(0, 6).join('')}-${digits.slice(6).join('')}${k}`).ok).toBe(false);
  });
});
