import type { LaidOutPage } from './paginate';
import { PAGE } from './style';

// About one character of 10 pt DejaVu Sans, to turn positions into columns.
const COLUMN = 5.4;

/** The text lines of a page, top to bottom, each line's pieces left to right, indented roughly where they stand. */
export function pageLines(page: LaidOutPage): string[] {
  const rows = new Map<number, Array<{ x: number; text: string }>>();
  for (const op of page.ops) {
    if (op.kind !== 'text') continue;
    const y = Math.round(op.y);
    rows.set(y, [...(rows.get(y) ?? []), { x: op.x, text: op.text }]);
  }
  return [...rows.keys()]
    .sort((a, b) => a - b)
    .map((y) => {
      let line = '';
      for (const t of rows.get(y)!.sort((a, b) => a.x - b.x)) {
        const column = Math.max(0, Math.round((t.x - PAGE.left) / COLUMN));
        line = line.length < column ? line.padEnd(column) : line.length ? `${line} ` : line;
        line += t.text;
      }
      return line.trimEnd();
    });
}

/**
 * The pages as plain text, each under a rule: what a reviewer reads to see how a template
 * change moved things (`samples/`).
 */
export function pagesToText(pages: LaidOutPage[]): string {
  const out: string[] = [];
  for (const page of pages) {
    out.push(`──────────────────────────── ${page.number}. lapa ────────────────────────────`, ...pageLines(page));
  }
  return `${out.join('\n')}\n`;
}
