import type { FaceName } from '../fonts';
import type { LetterBlock } from './blocks';
import { breakLines } from './line-breaker';
import type { Box, Op } from './paginate';
import {
  ADDRESSEE_OFFSET, FIELD_LABEL_WIDTH, GAP, HEADER_FILL, PAGE, RULE_WIDTH, SPLIT_LEFT_WIDTH, STYLE, TABLE_RULE_WIDTH, TEXT_WIDTH,
  lineHeight, type TextStyle,
} from './style';

/** Width of text in a face and size; the PDF document answers it, so layout and drawing agree. */
export type Measurer = (text: string, face: FaceName, size: number) => number;

type Align = 'left' | 'right' | 'center';

/** Turns blocks into boxes (strips that pagination never cuts). */
export function layoutBlocks(blocks: LetterBlock[], measure: Measurer): Box[] {
  const boxes: Box[] = [];
  const wrap = (text: string, style: TextStyle, width: number) => breakLines(text, width, (s) => measure(s, style.face, style.size));
  const textOp = (text: string, style: TextStyle, x: number, width: number, align: Align, y = 0): Op => ({
    kind: 'text',
    x: align === 'left' ? x : align === 'right' ? x + width - measure(text, style.face, style.size) : x + (width - measure(text, style.face, style.size)) / 2,
    y,
    face: style.face,
    size: style.size,
    text,
  });
  const gap = (height: number) => boxes.push({ height, ops: [], gap: true });

  /** One box per wrapped line; short paragraphs stay whole, longer ones keep two lines together at each end. */
  const lines = (text: string, style: TextStyle, x: number, width: number, align: Align, keepAll = false) => {
    const ls = wrap(text, style, width);
    const h = lineHeight(style);
    ls.forEach((l, i) => {
      const keep = keepAll || ls.length <= 3 || i === 0 || i === ls.length - 2;
      boxes.push({ height: h, ops: l ? [textOp(l, style, x, width, align)] : [], ...(keep && i < ls.length - 1 ? { keepWithNext: true } : {}) });
    });
  };
  const keepLast = (keep: boolean | undefined) => {
    if (keep && boxes.length) boxes[boxes.length - 1]!.keepWithNext = true;
  };

  for (const block of blocks) {
    switch (block.type) {
      case 'letterhead': {
        const [name = '', ...rest] = block.lines;
        lines(name, STYLE.letterheadName, PAGE.left, TEXT_WIDTH, 'center', true);
        boxes.at(-1)!.keepWithNext = true;
        for (const l of rest) {
          lines(l, STYLE.letterheadLine, PAGE.left, TEXT_WIDTH, 'center', true);
          boxes.at(-1)!.keepWithNext = true;
        }
        boxes.push({ height: 4, ops: [{ kind: 'line', x1: PAGE.left, y1: 3, x2: PAGE.right, y2: 3, width: RULE_WIDTH }] });
        gap(GAP.afterLetterhead);
        break;
      }
      case 'split': {
        const style = STYLE.split;
        const leftWidth = TEXT_WIDTH * SPLIT_LEFT_WIDTH;
        const rightWidth = TEXT_WIDTH - leftWidth - 12;
        const left = wrap(block.left, style, leftWidth);
        const right = wrap(block.right, style, rightWidth);
        const n = Math.max(left.length, right.length);
        for (let i = 0; i < n; i++) {
          const ops: Op[] = [];
          if (left[i]) ops.push(textOp(left[i]!, style, PAGE.left, leftWidth, 'left'));
          if (right[i]) ops.push(textOp(right[i]!, style, PAGE.right - rightWidth, rightWidth, 'right'));
          boxes.push({ height: lineHeight(style), ops, keepWithNext: i < n - 1 });
        }
        break;
      }
      case 'addressee': {
        gap(GAP.beforeAddressee);
        const x = PAGE.left + TEXT_WIDTH * ADDRESSEE_OFFSET;
        for (const l of block.lines) {
          lines(l, STYLE.body, x, PAGE.right - x, 'left', true);
          boxes.at(-1)!.keepWithNext = true;
        }
        boxes.at(-1)!.keepWithNext = false;
        break;
      }
      case 'title':
        gap(GAP.beforeTitle);
        lines(block.text, STYLE.title, PAGE.left, TEXT_WIDTH * 0.8, 'left', true);
        boxes.at(-1)!.keepWithNext = true;
        gap(GAP.afterTitle);
        break;
      case 'heading':
        gap(GAP.beforeHeading);
        lines(block.text, STYLE.heading, PAGE.left, TEXT_WIDTH, 'left', true);
        boxes.at(-1)!.keepWithNext = true;
        gap(GAP.afterHeading);
        break;
      case 'paragraph':
        lines(block.text, block.size === 'small' ? STYLE.small : STYLE.body, PAGE.left, TEXT_WIDTH, 'left');
        gap(GAP.paragraph);
        break;
      case 'note':
        gap(GAP.beforeNote);
        lines(block.text, STYLE.note, PAGE.left, TEXT_WIDTH, 'center', true);
        break;
      case 'list': {
        const style = block.size === 'small' ? STYLE.small : STYLE.body;
        block.items.forEach((item, i) => {
          const prefix = block.numbered ? `${i + 1}.` : '–';
          const start = boxes.length;
          lines(item, style, PAGE.left + GAP.listIndent, TEXT_WIDTH - GAP.listIndent, 'left');
          boxes[start]!.ops.push(textOp(prefix, style, PAGE.left, GAP.listIndent, 'left'));
          if (i < block.items.length - 1) gap(GAP.listItem);
        });
        gap(GAP.paragraph);
        break;
      }
      case 'fields': {
        const labelWidth = TEXT_WIDTH * FIELD_LABEL_WIDTH;
        const columns = [
          { x: PAGE.left, width: labelWidth - 8 },
          { x: PAGE.left + labelWidth, width: TEXT_WIDTH - labelWidth },
        ];
        block.rows.forEach((row, i) => {
          rowBoxes(row, columns, STYLE.body, 0, []).forEach((b) => boxes.push(b));
          if (i < block.rows.length - 1) gap(GAP.fieldRow);
        });
        gap(GAP.paragraph);
        break;
      }
      case 'table':
        tableBoxes(block.widths, block.header, block.rows).forEach((b) => boxes.push(b));
        gap(GAP.paragraph);
        break;
      case 'signature': {
        gap(GAP.beforeSignature);
        const half = TEXT_WIDTH / 2 - 6;
        const position = wrap(block.position, STYLE.body, half);
        const name = wrap(block.name, STYLE.body, half);
        const n = Math.max(position.length, name.length);
        for (let i = 0; i < n; i++) {
          const ops: Op[] = [];
          if (position[i]) ops.push(textOp(position[i]!, STYLE.body, PAGE.left, half, 'left'));
          if (name[i]) ops.push(textOp(name[i]!, STYLE.body, PAGE.right - half, half, 'right'));
          boxes.push({ height: lineHeight(STYLE.body), ops, keepWithNext: i < n - 1 });
        }
        break;
      }
      case 'space':
        gap(block.lines * lineHeight(STYLE.body));
        break;
    }
    keepLast(block.keepWithNext);
  }
  return boxes;

  /**
   * The boxes of one row of cells: one per line of the tallest cell, so a row taller than a page
   * flows on. Rows of up to four lines are kept whole; longer ones keep two lines at each end.
   */
  function rowBoxes(cells: string[], columns: Array<{ x: number; width: number }>, style: TextStyle, padY: number, rules: number[], fill?: boolean): Box[] {
    const wrapped = cells.map((c, i) => wrap(c, style, columns[i]!.width));
    const n = Math.max(1, ...wrapped.map((w) => w.length));
    const h = lineHeight(style);
    const out: Box[] = [];
    for (let k = 0; k < n; k++) {
      const top = k === 0 ? padY : 0;
      const height = h + top + (k === n - 1 ? padY : 0);
      const ops: Op[] = [];
      if (fill && rules.length) ops.push({ kind: 'fill', x: rules[0]!, y: 0, w: rules.at(-1)! - rules[0]!, h: height, rgb: HEADER_FILL });
      wrapped.forEach((w, i) => {
        if (w[k]) ops.push(textOp(w[k]!, style, columns[i]!.x, columns[i]!.width, 'left', top));
      });
      for (const x of rules) ops.push({ kind: 'line', x1: x, y1: 0, x2: x, y2: height, width: TABLE_RULE_WIDTH });
      if (rules.length && k === 0) ops.push({ kind: 'line', x1: rules[0]!, y1: 0, x2: rules.at(-1)!, y2: 0, width: TABLE_RULE_WIDTH });
      if (rules.length && k === n - 1) ops.push({ kind: 'line', x1: rules[0]!, y1: height, x2: rules.at(-1)!, y2: height, width: TABLE_RULE_WIDTH });
      const keep = k < n - 1 && (n <= 4 || k === 0 || k === n - 2);
      out.push({ height, ops, ...(keep ? { keepWithNext: true } : {}) });
    }
    return out;
  }

  function tableBoxes(widths: number[], header: string[], rows: string[][]): Box[] {
    const rules: number[] = [PAGE.left];
    for (const w of widths) rules.push(rules.at(-1)! + w * TEXT_WIDTH);
    const columns = widths.map((_w, i) => ({ x: rules[i]! + GAP.cellPadX, width: rules[i + 1]! - rules[i]! - 2 * GAP.cellPadX }));
    const headerBoxes = rowBoxes(header, columns, STYLE.tableHeader, GAP.cellPadY, rules, true);
    const slice = (isHeader: boolean, endsRow: boolean) => ({ header: headerBoxes, x1: PAGE.left, x2: PAGE.right, isHeader, endsRow });
    headerBoxes.forEach((b, k) => {
      b.table = slice(true, k === headerBoxes.length - 1);
      b.keepWithNext = true;
    });
    const out: Box[] = [...headerBoxes];
    for (const row of rows) {
      const rb = rowBoxes(row, columns, STYLE.tableCell, GAP.cellPadY, rules);
      rb.forEach((b, k) => (b.table = slice(false, k === rb.length - 1)));
      out.push(...rb);
    }
    if (!rows.length) out.at(-1)!.keepWithNext = false;
    return out;
  }
}
