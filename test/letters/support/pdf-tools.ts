import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Runs a poppler tool on the PDF (written to a temporary file) and answers its stdout. */
function poppler(tool: string, args: string[], pdf: Buffer): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sutne-pdf-'));
  const file = path.join(dir, 'letter.pdf');
  try {
    fs.writeFileSync(file, pdf);
    return execFileSync(tool, [...args, file, ...(tool === 'pdftotext' ? ['-'] : [])], { encoding: 'utf8' });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** `pdftotext -enc UTF-8` (with `-layout`: lines as they stand on the page). Pages are separated by form feeds. */
export function pdfText(pdf: Buffer, opts: { layout?: boolean } = {}): string {
  return poppler('pdftotext', ['-enc', 'UTF-8', ...(opts.layout ? ['-layout'] : [])], pdf);
}

/** `pdfinfo` (with `-meta`, the XMP packet follows the fields). */
export function pdfInfo(pdf: Buffer, opts: { meta?: boolean } = {}): string {
  return poppler('pdfinfo', opts.meta ? ['-meta'] : [], pdf);
}

/** `pdffonts`: one row per font, with its embedded / subset / ToUnicode flags. */
export function pdfFonts(pdf: Buffer): Array<{ name: string; type: string; embedded: boolean; unicode: boolean }> {
  return poppler('pdffonts', [], pdf)
    .split('\n')
    .slice(2)
    .filter((l) => l.trim())
    .map((l) => {
      const cols = l.trim().split(/\s+/);
      const [emb, , uni] = cols.slice(-5, -2);
      return { name: cols[0]!, type: cols.slice(1, -6).join(' '), embedded: emb === 'yes', unicode: uni === 'yes' };
    });
}

export interface WordBox {
  page: number;
  word: string;
  xMin: number;
  xMax: number;
  yMin: number;
  yMax: number;
  pageWidth: number;
  pageHeight: number;
}

/** Every word poppler finds, with its box in points (`pdftotext -bbox`). */
export function wordBoxes(pdf: Buffer): WordBox[] {
  const html = poppler('pdftotext', ['-bbox', '-enc', 'UTF-8'], pdf);
  const boxes: WordBox[] = [];
  let page = 0;
  let pageWidth = 0;
  let pageHeight = 0;
  for (const m of html.matchAll(/<page width="([\d.]+)" height="([\d.]+)">|<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<\/word>/g)) {
    if (m[1]) {
      page++;
      pageWidth = Number(m[1]);
      pageHeight = Number(m[2]);
    } else {
      boxes.push({ page, word: m[7]!, xMin: Number(m[3]), yMin: Number(m[4]), xMax: Number(m[5]), yMax: Number(m[6]), pageWidth, pageHeight });
    }
  }
  return boxes;
}

/** Whitespace folded to single spaces, trimmed: how letter text is compared with what poppler extracts. */
export function fold(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
