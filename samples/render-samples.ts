/**
 * `npm run samples`: renders one letter of every template from the example cases and writes
 * each as text (`samples/<name>.txt`, the lines where the PDF has them), so a template change
 * shows in review as a diff. `--pdf` also writes the PDFs beside them (not checked in).
 * test/letters/samples.test.ts fails while these files are stale.
 */
import fs from 'node:fs';
import path from 'node:path';
import { LetterTemplates, pagesToText, renderLetter } from '../src/letters';
import { letterFor, letterSpecs, lettersDir } from '../test/letters/support/letter-fixtures';

export async function renderSamples(): Promise<Array<{ name: string; text: string; pdf: Buffer }>> {
  const templates = LetterTemplates.load(lettersDir);
  const out = [];
  for (const spec of letterSpecs) {
    const { templateId, model } = await letterFor(spec);
    const letter = await renderLetter(templates, templateId, model);
    out.push({ name: spec.name, text: pagesToText(letter.pages), pdf: letter.pdf });
  }
  return out;
}

async function main(): Promise<void> {
  const withPdf = process.argv.includes('--pdf');
  for (const sample of await renderSamples()) {
    fs.writeFileSync(path.join(__dirname, `${sample.name}.txt`), sample.text);
    if (withPdf) fs.writeFileSync(path.join(__dirname, `${sample.name}.pdf`), sample.pdf);
    process.stdout.write(`samples/${sample.name}.txt\n`);
  }
}

if (require.main === module) void main();
