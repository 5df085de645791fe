import { sanitizeFilename } from '../../src/cases';
import { withTrueExtension } from '../../src/cases/attachments/filename';

describe('work material file names', () => {
  it.each([
    ['Ģirta Ķēniņa liecība.pdf', 'Ģirta Ķēniņa liecība.pdf'],
    ['../../etc/passwd', 'passwd'],
    ['C:\\Users\\ilze\\Dokumenti\\ziņojums.docx', 'ziņojums.docx'],
    ['ziņo\u0000jums\u0007.pdf', 'ziņojums.pdf'],
    ['rēķins\u202Efdp.exe', 'rēķinsfdp.exe'],
    ['  .slēpts.txt  ', 'slēpts.txt'],
    ['jautājums?<>:"|*.txt', 'jautājums_______.txt'],
    ['beigas...', 'beigas'],
    ['CON.txt', '_CON.txt'],
    ['', 'pielikums'],
    ['../..', 'pielikums'],
    ['Ze\u0301ltīte.pdf', 'Zéltīte.pdf'],
  ])('%j is shown as %j', (raw, shown) => {
    expect(sanitizeFilename(raw)).toBe(shown);
  });

  it('bounds the length and keeps the extension, never splitting a character', () => {
    const name = sanitizeFilename(`${'ā'.repeat(150)}${'😀'.repeat(100)}.docx`);
    expect([...name]).toHaveLength(200);
    expect(name.endsWith('.docx')).toBe(true);
    expect(name).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
  });

  it('makes the extension match the real type', () => {
    expect(withTrueExtension('skenējums.pdf', 'png')).toBe('skenējums.png');
    expect(withTrueExtension('skenējums', 'png')).toBe('skenējums.png');
    expect(withTrueExtension('attēls.JPEG', 'jpeg')).toBe('attēls.JPEG');
    expect(withTrueExtension('v1.2 protokols', 'txt')).toBe('v1.2 protokols.txt');
  });
});
