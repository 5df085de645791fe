/**
 * A letter as structure: what templates produce (through `parseMarkup`) and the layout draws.
 * Every string here is final text to print: the data in it was never read as markup. A `\n`
 * inside a string is a line break the data itself asked for.
 */
export type Block =
  /** The institution's name (first line, large) and its details, centred, over a rule. */
  | { type: 'letterhead'; lines: string[] }
  /** One line with text at the left and at the right (date note and registration number). */
  | { type: 'split'; left: string; right: string }
  /** The addressee lines, in the right-hand column. */
  | { type: 'addressee'; lines: string[] }
  | { type: 'title'; text: string }
  | { type: 'heading'; text: string }
  | { type: 'paragraph'; text: string; size: 'normal' | 'small' }
  /** Label–value rows without borders. */
  | { type: 'fields'; rows: Array<[string, string]> }
  /** A bordered table; `widths` are fractions of the text width; the header repeats on each page. */
  | { type: 'table'; widths: number[]; header: string[]; rows: string[][] }
  | { type: 'list'; numbered: boolean; size: 'normal' | 'small'; items: string[] }
  /** The signatory: position at the left, name at the right. */
  | { type: 'signature'; position: string; name: string }
  /** Small bold centred capitals (the e-signature notes). */
  | { type: 'note'; text: string }
  | { type: 'space'; lines: number };

/** Block options that apply to any block. */
export interface BlockOptions {
  /** Keep this block on the same page as the start of the next one. */
  keepWithNext: boolean;
}

export type LetterBlock = Block & Partial<BlockOptions>;

/** The letter as plain text, block by block: what copying the whole PDF should give (page numbers aside). */
export function blocksToText(blocks: LetterBlock[]): string {
  const out: string[] = [];
  for (const b of blocks) {
    switch (b.type) {
      case 'letterhead':
      case 'addressee':
        out.push(...b.lines);
        break;
      case 'split':
        out.push(`${b.left} ${b.right}`);
        break;
      case 'title':
      case 'heading':
      case 'paragraph':
      case 'note':
        out.push(b.text);
        break;
      case 'fields':
        for (const [label, value] of b.rows) out.push(`${label} ${value}`);
        break;
      case 'table':
        out.push(b.header.join(' '));
        for (const row of b.rows) out.push(row.join(' '));
        break;
      case 'list':
        b.items.forEach((item, i) => out.push(`${b.numbered ? `${i + 1}.` : '–'} ${item}`));
        break;
      case 'signature':
        out.push(`${b.position} ${b.name}`);
        break;
      case 'space':
        break;
    }
  }
  return out.join('\n');
}
