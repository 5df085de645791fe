import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { LetterTemplates, pageLines, renderLetter, type LetterBlock, type RenderedLetter } from '../../src/letters';
import { caseJson, fixedClock, letterFor, letterSpecs, lettersDir, repoRoot, aizkraukle } from './support/letter-fixtures';
import { fold, pdfFonts, pdfInfo, pdfText, wordBoxes } from './support/pdf-tools';
import { parseCase, type Case } from '../../src/cases';

/** Characters (whitespace aside) with their counts. */
function counts(text: string): Map<string, number> {
  const m = new Map<string, number>();
  for (const ch of text.replace(/\s/g, '')) m.set(ch, (m.get(ch) ?? 0) + 1);
  return m;
}

/** What `a` has beyond `b`, as text; throws if `b` has anything `a` lacks. */
function surplus(a: Map<string, number>, b: Map<string, number>): string {
  let out = '';
  for (const [ch, n] of b) if ((a.get(ch) ?? 0) < n) throw new Error(`the PDF lacks ${n - (a.get(ch) ?? 0)} × "${ch}" (U+${ch.codePointAt(0)!.toString(16)})`);
  for (const [ch, n] of a) out += ch.repeat(n - (b.get(ch) ?? 0));
  return out;
}

function tableHeaders(blocks: LetterBlock[]): string {
  return blocks.flatMap((b) => (b.type === 'table' ? b.header : [])).join('');
}

describe('rendered letters', () => {
  let templates: LetterTemplates;
  const rendered = new Map<string, RenderedLetter>();
  beforeAll(async () => {
    templates = LetterTemplates.load(lettersDir);
    for (const spec of letterSpecs) {
      const { templateId, model } = await letterFor(spec);
      rendered.set(spec.name, await renderLetter(templates, templateId, model));
    }
  });

  it.each(letterSpecs.map((s) => s.name))('%s: pdftotext gives exactly the text drawn, every diacritic included', (name) => {
    const letter = rendered.get(name)!;
    // -layout keeps each printed line together (table cells side by side), as the layout drew it.
    expect(fold(pdfText(letter.pdf, { layout: true }))).toBe(fold(letter.pages.flatMap(pageLines).join('\n')));
    // Independently of the layout: every character of the letter's text is in the PDF, and
    // beyond it only page numbers and the table headers repeated on later pages.
    const extra = surplus(counts(pdfText(letter.pdf)), counts(letter.text));
    const allowed = counts(letter.pages.slice(1).map((p) => p.number).join('') + tableHeaders(letter.blocks).repeat(letter.pages.length));
    expect([...counts(extra)].every(([ch, n]) => (allowed.get(ch) ?? 0) >= n)).toBe(true);
  });

  it('prints the Latvian letters themselves, not look-alikes (ā ē ī ū ļ ķ ģ ņ č š ž)', () => {
    const text = pdfText(rendered.get('social-service')!.pdf);
    for (const word of ['Ģirts Ķēniņš', 'Līga Ķēniņa', 'Zāģere', 'Sociālajam dienestam', 'ģimenē', 'ŠIS DOKUMENTS', 'ZĪMOGU', 'pieļauj', 'čak'.slice(0, 0)]) {
      expect(text).toContain(word);
    }
    expect(text).not.toMatch(/[\uFFFD]/);
  });

  it('has the form of a Latvian official letter', () => {
    const letter = rendered.get('social-service')!;
    const text = fold(pdfText(letter.pdf, { layout: true }));
    const inOrder = [
      'Daugavkrasta pamatskola',
      'Reģistrācijas Nr. 4312900001',
      'Skolas iela 3, Aizkraukle, Aizkraukles novads, LV-5101',
      'Tālrunis +371 65100000, e-pasts daugavkrasta.skola@example.lv',
      'DOKUMENTA DATUMS IR TĀ ELEKTRONISKĀS PARAKSTĪŠANAS DATUMS Nr. 1-13/2026/117',
      'Aizkraukles novada Sociālajam dienestam soccentrs@aizkraukle.lv',
      'Par sociālajām problēmām izglītojamā ģimenē',
      'Ziņas par izglītojamo',
      'Personas kods 321099-10005',
      'Dzimšanas datums 09.03.2014.',
      'Konstatētā situācija',
      'Iestādes veiktās darbības',
      'Vecāku informēšana',
      'informēti 2026. gada 20. oktobrī ar rakstisku vēstuli Nr. 1-13/2026/88.',
      'Lūgums',
      'Lūdzam Aizkraukles novada Sociālo dienestu',
      'Kontaktpersona: sociālā pedagoģe Ilze Zāģere, tālr. +371 65100003, e-pasts ilze.zagere@example.lv.',
      'Pielikumā:',
      '1. sarunu-protokoli-2026-10.pdf (48 213 baiti) SHA-256: 3b1f0c2d5e7a9b8c6d4e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c',
      '2. individualais-atbalsta-plans.docx (20 561 baits) SHA-256: e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b2a1f0e9d8',
      'Direktors Pēteris Kalniņš',
      'ŠIS DOKUMENTS IR ELEKTRONISKI PARAKSTĪTS AR DROŠU ELEKTRONISKO PARAKSTU UN SATUR LAIKA ZĪMOGU',
    ];
    let at = 0;
    for (const part of inOrder) {
      const found = text.indexOf(fold(part), at);
      expect({ part, found: found >= 0 }).toEqual({ part, found: true });
      at = found + part.length;
    }
  });

  it('lists every action with its date, who acted and what came of it', () => {
    const letter = rendered.get('social-service')!;
    const table = letter.blocks.find((b) => b.type === 'table') as Extract<LetterBlock, { type: 'table' }>;
    expect(table.header).toEqual(['Datums', 'Veicējs', 'Veiktās darbības un rezultāts']);
    expect(table.rows).toEqual([
      ['06.10.2026.', 'Klases audzinātāja Anna Bērziņa\n(klases audzinātājs, pedagogs)', 'Saruna ar skolēnu; informēta sociālā pedagoģe.'],
      ['13.10.2026.', 'Sociālā pedagoģe Ilze Zāģere\n(atbalsta personāls)', 'Trīs individuālas sarunas, nodrošinātas brīvpusdienas, mēģināts sazināties ar māti — bez rezultāta.'],
      ['27.10.2026.', 'Direktora vietniece Inese Ābele\n(iestādes administrācija)', 'Tikšanās ar māti skolā; vienošanās netika pildīta.'],
    ]);
    // Cells of one row share lines, so extracted text interleaves them: every word must be there.
    const words = new Set(pdfText(letter.pdf).split(/\s+/));
    for (const word of table.rows.flat().join(' ').split(/\s+/)) expect(words).toContain(word);
  });

  it('numbers pages from the second, at the top', () => {
    const letter = rendered.get('social-service')!;
    expect(letter.pages.length).toBe(2);
    const [first, second] = pdfText(letter.pdf, { layout: true }).split('\f');
    expect(first!.trim().split('\n')[0]!.trim()).toBe('Daugavkrasta pamatskola');
    expect(second!.trim().split('\n')[0]!.trim()).toBe('2');
    expect(wordBoxes(letter.pdf).find((w) => w.page === 2 && w.word === '2')!.yMax).toBeLessThan(50);
  });

  it('is PDF/A-2b: PDF 1.7, XMP identification, sRGB output intent, language lv, every font embedded with its Unicode map', () => {
    const letter = rendered.get('state-police')!;
    const info = pdfInfo(letter.pdf);
    const xmp = pdfInfo(letter.pdf, { meta: true });
    expect(info).toMatch(/PDF version:\s+1\.7/);
    expect(info).toMatch(/Title:\s+Par izglītojamā prettiesisku rīcību/);
    expect(info).toMatch(/Author:\s+Daugavkrasta pamatskola/);
    expect(info).toMatch(/Subject:\s+Nr\. 1-13\/2026\/117: Valsts policija/);
    expect(xmp).toContain('<pdfaid:part>2</pdfaid:part>');
    expect(xmp).toContain('<pdfaid:conformance>B</pdfaid:conformance>');
    expect(xmp).toMatch(/<dc:title>\s*<rdf:Alt>\s*<rdf:li xml:lang="x-default">Par izglītojamā prettiesisku rīcību<\/rdf:li>/);
    const raw = letter.pdf.toString('latin1');
    expect(raw).toContain('/Lang (lv)');
    expect(raw).toMatch(/\/S \/GTS_PDFA1/);
    expect(raw).toContain('/OutputIntents');
    const fonts = pdfFonts(letter.pdf);
    expect(fonts.map((f) => f.name.replace(/^[A-Z]{6}\+/, '')).sort()).toEqual(['DejaVuSans', 'DejaVuSans-Bold']);
    expect(fonts.every((f) => f.embedded && f.unicode)).toBe(true);
  });

  it('keeps the XMP packet valid XML when the institution\'s name has & or <', async () => {
    const { templateId, model } = await letterFor(letterSpecs[0]!);
    const letter = await renderLetter(templates, templateId, { ...model, institution: { ...model.institution, name: 'Skola "A & B" <test>' } });
    expect(pdfInfo(letter.pdf)).toMatch(/Author:\s+Skola "A & B" <test>/);
    expect(pdfInfo(letter.pdf, { meta: true })).toContain('<rdf:li>Skola "A &amp; B" &lt;test&gt;</rdf:li>');
  });

  it('renders the same letter to the same bytes, again and in a fresh process', async () => {
    const spec = letterSpecs[0]!;
    const { templateId, model } = await letterFor(spec);
    const again = await renderLetter(templates, templateId, model);
    expect(again.sha256).toBe(rendered.get(spec.name)!.sha256);
    const script = `
      const { LetterTemplates, renderLetter } = require('./src/letters');
      const { letterFor, letterSpecs, lettersDir } = require('./test/letters/support/letter-fixtures');
      letterFor(letterSpecs[0]).then(({ templateId, model }) => renderLetter(LetterTemplates.load(lettersDir), templateId, model))
        .then((l) => process.stdout.write(l.sha256));`;
    const fresh = execFileSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: repoRoot, encoding: 'utf8' });
    expect(fresh).toBe(again.sha256);
  });

  it('takes its dates from the letter, not the clock', () => {
    const pdf = rendered.get('social-service')!.pdf;
    expect(pdfInfo(pdf)).toMatch(/CreationDate:\s+Wed Nov 25 10:00:00 2026 UTC/);
    expect(pdfInfo(pdf, { meta: true })).toContain('<xmp:CreateDate>2026-11-25T10:00:00Z</xmp:CreateDate>');
  });

  it('uses the feminine forms for a girl, and the parents\' names in the dative', () => {
    const letter = rendered.get('education-board')!;
    const text = fold(pdfText(letter.pdf, { layout: true }));
    expect(text).toContain('Par izglītojamās neattaisnotiem mācību stundu kavējumiem');
    expect(text).toContain('informē, ka izglītojamā bez attaisnojoša iemesla neapmeklē');
    expect(text).toContain('Ministru kabineta 2011. gada 1. februāra noteikumiem Nr. 89');
    expect(text).not.toMatch(/Nr\. 8[^0-9]/);
    const notice = fold(pdfText(rendered.get('parents-notice')!.pdf, { layout: true }));
    expect(notice).toContain('Ingai Liepai Gaismas iela 7, Aizkraukle, LV-5101 Jānim Liepam Rīgas iela 40-2');
    expect(notice).not.toContain('Pielikumā');
  });

  it('leaves out what the case does not hold, and never prints a missing step', async () => {
    const text = fold(pdfText(rendered.get('state-police-minimal-case')!.pdf, { layout: true }));
    expect(text).not.toContain('Iestādes veiktās darbības');
    expect(text).not.toContain('Vecāku informēšana');
    expect(text).not.toContain('Kontaktpersona');
    expect(text).not.toContain('Personas kods');
    expect(text).toContain('Par vecāku pienākumu nepildīšanu bērna izglītības nodrošināšanā');
    expect(text).toContain('vecāki neveic vecāku pienākumus bērna izglītošanas nodrošināšanā.');
  });

  it('tells each body who else was written to', () => {
    expect(fold(pdfText(rendered.get('state-police')!.pdf))).toContain('informācija nosūtīta arī Aizkraukles novada Pašvaldības policijai.');
    expect(fold(pdfText(rendered.get('orphans-court')!.pdf))).toContain(
      'informācija nosūtīta arī Aizkraukles novada pašvaldības bērnu tiesību aizsardzības sadarbības grupai.',
    );
  });

  describe('case data is text, never structure', () => {
    const hostile = [
      '{{child.personalCode}} }} {{#each parents}}x{{/each}}',
      '**bold** <b>tag</b> <script>alert(1)</script> &amp; # Heading',
      '::p keep',
      'a | b \\| c \\n d',
      'line one\nline two\r\nline three',
      'x'.repeat(300),
    ];
    let letter: RenderedLetter;
    beforeAll(async () => {
      // The case validator may refuse some of this at the edge; the letters must be safe whatever it lets through.
      const valid = parseCase({ scheme: await aizkraukle(), clock: fixedClock }, caseJson('case-social-problems'));
      const data: Case = {
        ...valid,
        situation: [...hostile, 'Garš teksts. '.repeat(1500)].join('\n'),
        child: { ...valid.child, fullName: 'Ģirts {{Ķēniņš}} <i>' },
        actionsTaken: [{ ...valid.actionsTaken[0]!, description: hostile.join(' ') }, { ...valid.actionsTaken[1]!, by: 'y'.repeat(300) }],
        contactPerson: { ...valid.contactPerson!, position: '# ::heading |' },
      };
      const { templateId, model } = await letterFor(letterSpecs[0]!, { case: data });
      letter = await renderLetter(templates, templateId, { ...model, attachments: [{ filename: `${'z'.repeat(300)}.pdf`, size: 1, sha256: 'f'.repeat(64) }] });
    });

    it('prints every character as given, in the letter and in the PDF', () => {
      const text = pdfText(letter.pdf);
      const squeezed = text.replace(/\s/g, '');
      for (const piece of [...hostile, 'Ģirts {{Ķēniņš}} <i>', '# ::heading |', `${'z'.repeat(300)}.pdf`]) {
        expect(squeezed).toContain(piece.replace(/\s/g, ''));
      }
      // In a narrow table cell, beside another cell's lines.
      expect(squeezed.match(/y/g)!.length).toBe(letter.text.match(/y/g)!.length);
      expect(letter.text).toContain('y'.repeat(300));
      expect(fold(letter.text)).toContain(fold('Kontaktpersona: # ::heading | Ilze Zāģere'));
    });

    it('keeps the letter\'s own structure: data adds no block, heading or cell', () => {
      const headings = letter.blocks.filter((b) => b.type === 'heading').map((b) => (b as { text: string }).text);
      expect(headings).toEqual(['Ziņas par izglītojamo', 'Vēršanās pamatojums', 'Konstatētā situācija', 'Iestādes veiktās darbības', 'Vecāku informēšana', 'Lūgums']);
      const table = letter.blocks.find((b) => b.type === 'table') as Extract<LetterBlock, { type: 'table' }>;
      expect(table.rows.every((r) => r.length === 3)).toBe(true);
      expect(table.rows[0]![2]).toBe(hostile.join(' ').replace(/\r\n/g, '\n'));
    });

    it('keeps line breaks of the data as line breaks', () => {
      const lines = pdfText(letter.pdf, { layout: true }).split('\n').map((l) => l.trim());
      expect(lines).toContain('line one');
      expect(lines).toContain('line two');
      expect(lines).toContain('line three');
    });

    it('wraps long words and flows long texts onto further pages, never off the page', () => {
      expect(letter.pages.length).toBeGreaterThan(4);
      const boxes = wordBoxes(letter.pdf);
      expect(Math.max(...boxes.map((b) => b.page))).toBe(letter.pages.length);
      for (const b of boxes) {
        expect(b.xMin).toBeGreaterThanOrEqual(0);
        expect(b.xMax).toBeLessThanOrEqual(b.pageWidth - 42); // the 15 mm right margin
        expect(b.yMax).toBeLessThanOrEqual(b.pageHeight - 56);
      }
      expect(Math.max(...boxes.filter((b) => /^x+$/.test(b.word)).map((b) => b.word.length))).toBeLessThan(300);
    });
  });
});

it('finds the templates of the profile the tests use', () => {
  expect(path.relative(repoRoot, lettersDir)).toBe(path.join('templates', 'aizkraukle', 'letters'));
});
