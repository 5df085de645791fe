import { startCaseService, type CaseService } from '../cases/case-service';
import { exampleCase } from '../cases/scheme-fixture';
import { fold, pdfInfo, pdfText } from '../letters/support/pdf-tools';

/*
 * Case data is printed, never read as a template or as letter markup: Handlebars expressions,
 * markup directives, Markdown-like emphasis, HTML and line structure in any field come out of the
 * PDF as the characters they are (extracted with pdftotext).
 */
describe('template and markup syntax in case data', () => {
  let svc: CaseService;
  beforeAll(async () => {
    svc = await startCaseService('sqlite');
  });
  afterAll(() => svc.close());

  const payloads = {
    handlebars: '{{child.personalCode}} {{{7*7}}} {{#each parents}}X{{/each}} }} {{',
    partial: '{{> frame-top}} {{lookup this "constructor"}}',
    html: '<script>alert(1)</script> <b>treknraksts</b>',
    markdown: '**treknraksts** _slīpraksts_ # virsraksts',
    markup: '::title Viltots virsraksts',
    cells: 'a | b \\| c \\n d',
  };

  it('prints every payload literally in the PDF and changes no structure', async () => {
    const body = exampleCase('social-problems') as { situation: string; actionsTaken: Array<{ by: string; description: string }>; contactPerson: { position: string } };
    // Multi-line free text: each payload on a line of its own, so a line-based reader would see it at a line's start.
    body.situation = `Novērots:\n${Object.values(payloads).join('\n')}\n# Beigas`;
    body.actionsTaken[0].description = payloads.markup;
    body.actionsTaken[1].description = `${payloads.handlebars}\n${payloads.cells}`;
    body.actionsTaken[0].by = payloads.html.slice(0, 30);
    body.contactPerson.position = payloads.markdown;
    const created = await svc.postCase(body);
    expect(created.status).toBe(201);
    const letters = await svc.request.post(`/api/v1/cases/${created.body.id}/letters`).set(...svc.auth()).send({});
    expect(letters.status).toBe(201);
    let checked = 0;
    for (const letter of letters.body as Array<{ id: string; recipient: { key: string } }>) {
      if (letter.recipient.key === 'parents') continue;
      checked++;
      const pdf = await svc.request.get(`/api/v1/letters/${letter.id}/pdf`).set(...svc.auth()).buffer(true).parse((r, done) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => done(null, Buffer.concat(chunks)));
      });
      expect(pdf.status).toBe(200);
      const text = fold(pdfText(pdf.body as Buffer));
      for (const [name, payload] of Object.entries(payloads)) {
        expect([name, text.includes(fold(payload))]).toEqual([name, true]);
      }
      expect(text).toContain(fold(payloads.html.slice(0, 30)));
      expect(text).toContain('# Beigas');
      // Evaluated, "{{{7*7}}}" would be "49" or empty; as markup, "::title" would have replaced the letter's title.
      expect(text).not.toMatch(/(^| )49( |$)/);
      expect(pdfInfo(pdf.body as Buffer)).toMatch(/^Title:\s+Par /m);
      expect(pdfInfo(pdf.body as Buffer)).not.toContain('Viltots');
    }
    expect(checked).toBeGreaterThan(0);
  });
});
