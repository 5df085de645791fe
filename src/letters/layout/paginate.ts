import type { FaceName } from '../fonts';
import { PAGE, TABLE_RULE_WIDTH } from './style';

/** A drawing operation; `y` is the top of the text line (or the line's position), in points from the page top. */
export type Op =
  | { kind: 'text'; x: number; y: number; face: FaceName; size: number; text: string }
  | { kind: 'line'; x1: number; y1: number; x2: number; y2: number; width: number }
  | { kind: 'fill'; x: number; y: number; w: number; h: number; rgb: [number, number, number] };

/** Where a box sits in a table, so a page break can close the row and repeat the header. */
export interface TableSlice {
  header: Box[];
  /** Left and right edge of the table, for the rule that closes a row cut by a page break. */
  x1: number;
  x2: number;
  endsRow: boolean;
  isHeader: boolean;
}

/**
 * A horizontal strip of the letter that is never cut: one line of a paragraph, one line of a
 * table row, a rule. Its ops have `y` relative to the strip's top.
 */
export interface Box {
  height: number;
  ops: Op[];
  /** Do not break the page between this box and the next. */
  keepWithNext?: boolean;
  /** Space that disappears at the top of a page. */
  gap?: boolean;
  table?: TableSlice;
}

export interface LaidOutPage {
  number: number;
  ops: Op[];
}

/**
 * Places boxes on pages: a box that does not fit starts a new page, boxes chained by
 * `keepWithNext` move together (unless even a whole page cannot hold them), a table cut by a
 * page break is closed with a rule and its header repeated, and each page from the second on
 * starts with `pageHeader` (its number).
 */
export function paginate(boxes: Box[], pageHeader: (n: number) => Op[]): LaidOutPage[] {
  const pages: LaidOutPage[] = [{ number: 1, ops: [] }];
  let page = pages[0]!;
  let y = PAGE.top;
  const usable = PAGE.bottom - PAGE.top;
  let previous: Box | undefined;

  const place = (box: Box) => {
    for (const op of box.ops) page.ops.push(shift(op, y));
    y += box.height;
    previous = box;
  };
  const newPage = () => {
    const t = previous?.table;
    if (t && !t.endsRow) page.ops.push({ kind: 'line', x1: t.x1, y1: y, x2: t.x2, y2: y, width: TABLE_RULE_WIDTH });
    page = { number: pages.length + 1, ops: pageHeader(pages.length + 1) };
    pages.push(page);
    y = PAGE.top;
    previous = undefined;
  };

  for (let i = 0; i < boxes.length; i++) {
    const box = boxes[i]!;
    const atTop = y === PAGE.top;
    if (box.gap) {
      if (atTop) continue;
      if (y + box.height > PAGE.bottom) {
        newPage();
        continue;
      }
    }
    let chain = box.height;
    for (let j = i; boxes[j]?.keepWithNext && j + 1 < boxes.length; j++) chain += boxes[j + 1]!.height;
    if (!atTop && (y + box.height > PAGE.bottom || (y + chain > PAGE.bottom && chain <= usable))) newPage();
    if (y === PAGE.top && box.table && !box.table.isHeader) {
      for (const h of box.table.header) place(h);
    }
    place(box);
  }
  return pages;
}

function shift(op: Op, dy: number): Op {
  switch (op.kind) {
    case 'text':
      return { ...op, y: op.y + dy };
    case 'line':
      return { ...op, y1: op.y1 + dy, y2: op.y2 + dy };
    case 'fill':
      return { ...op, y: op.y + dy };
  }
}
