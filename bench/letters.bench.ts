/**
 * Letters: a two-page letter rendered from its template (Handlebars → markup → layout → PDF/A),
 * beside raw pdfkit drawing the same text with the same fonts in the same run. Also what
 * registering the font from its bytes for every document (the obvious way) would cost.
 */
import fs from 'node:fs';
import path from 'node:path';
import * as fontkit from 'fontkit';
import PDFDocument from 'pdfkit';
import { LetterTemplates, renderLetter, type LetterBlock } from '../src/letters';
import { letterFor, letterSpecs, lettersDir } from '../test/letters/support/letter-fixtures';
import { medianMs, report } from './report';

const ttf = path.join(path.dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf');
const bytes = { regular: fs.readFileSync(path.join(ttf, 'DejaVuSans.ttf')), bold: fs.readFileSync(path.join(ttf, 'DejaVuSans-Bold.ttf')) };
// Parsed once, plainly: the baseline shares none of the letters' caches.
const parsed = { regular: fontkit.create(bytes.regular), bold: fontkit.create(bytes.bold) };

/** The letter's text as raw pdfkit would draw it: each block's text wrapped by pdfkit, bold where the letter is bold. */
function pieces(blocks: LetterBlock[]): Array<{ bold: boolean; size: number; text: string }> {
  return blocks.flatMap((b) => {
    switch (b.type) {
      case 'letterhead':
      case 'addressee':
        return b.lines.map((text, i) => ({ bold: b.type === 'letterhead' && i === 0, size: 10, text }));
      case 'title':
      case 'heading':
        return [{ bold: true, size: 10.5, text: b.text }];
      case 'paragraph':
      case 'note':
        return [{ bold: b.type === 'note', size: 10, text: b.text }];
      case 'split':
        return [{ bold: false, size: 9, text: `${b.left} ${b.right}` }];
      case 'fields':
        return b.rows.map(([l, v]) => ({ bold: false, size: 10, text: `${l} ${v}` }));
      case 'table':
        return [b.header, ...b.rows].flatMap((r) => r.map((text) => ({ bold: false, size: 9, text })));
      case 'list':
        return b.items.map((text) => ({ bold: false, size: b.size === 'small' ? 8.5 : 10, text }));
      case 'signature':
        return [{ bold: false, size: 10, text: `${b.position} ${b.name}` }];
      case 'space':
        return [];
    }
  });
}

function rawPdfkit(parts: ReturnType<typeof pieces>, fonts: { regular: unknown; bold: unknown }): Promise<Buffer> {
  return new Promise((resolve) => {
    const doc = new PDFDocument({
      size: 'A4', margins: { top: 57, bottom: 57, left: 85, right: 42 }, pdfVersion: '1.7', subset: 'PDF/A-2b', lang: 'lv',
      info: { Title: 'x', Author: 'y', Subject: 'z', CreationDate: new Date(0) }, font: null as unknown as string,
    } as PDFKit.PDFDocumentOptions);
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.registerFont('regular', fonts.regular as Buffer);
    doc.registerFont('bold', fonts.bold as Buffer);
    for (const p of parts) doc.font(p.bold ? 'bold' : 'regular').fontSize(p.size).text(p.text, { width: 468 });
    doc.end();
  });
}

async function main(): Promise<void> {
  const templates = LetterTemplates.load(lettersDir);
  const { templateId, model } = await letterFor(letterSpecs[0]!);
  const first = process.hrtime.bigint();
  const letter = await renderLetter(templates, templateId, model);
  const coldMs = Number(process.hrtime.bigint() - first) / 1e6;
  const parts = pieces(letter.blocks);
  const raw = await rawPdfkit(parts, parsed);
  if (letter.pages.length !== 2) throw new Error(`the bench letter should have two pages, it has ${letter.pages.length}`);

  const runs = 60;
  const letterMs = await medianMs(() => renderLetter(templates, templateId, model), runs, 15);
  const rawMs = await medianMs(() => rawPdfkit(parts, parsed), runs, 15);
  const bufferMs = await medianMs(() => rawPdfkit(parts, bytes), 15, 3);

  report({ name: 'letter, two pages (template → PDF/A), median', value: letterMs, unit: 'ms', baseline: rawMs });
  report({ name: 'letters per second, one core', value: 1000 / letterMs, unit: 'letters/s', baseline: 1000 / rawMs });
  report({ name: 'raw pdfkit, font registered from bytes per document, median', value: bufferMs, unit: 'ms', baseline: rawMs });
  report({ name: 'first letter of a process (fonts parsed, templates compiled)', value: coldMs, unit: 'ms' });
  report({ name: 'letter PDF size', value: letter.size / 1024, unit: 'KiB', baseline: raw.length / 1024 });
}

void main();
