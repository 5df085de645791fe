import type { FaceName } from '../fonts';

const MM = 72 / 25.4;

/** A4 with the margins Latvian institutions use: 30 mm left (binding), 15 mm right, 20 mm top and bottom. */
export const PAGE = {
  width: 595.28,
  height: 841.89,
  left: 30 * MM,
  right: 595.28 - 15 * MM,
  top: 20 * MM,
  bottom: 841.89 - 20 * MM,
  /** Baseline area of the page number on pages 2 and later (top centre). */
  numberTop: 10 * MM,
} as const;

export const TEXT_WIDTH = PAGE.right - PAGE.left;

export interface TextStyle {
  face: FaceName;
  size: number;
}

export const STYLE = {
  body: { face: 'regular', size: 10 },
  small: { face: 'regular', size: 8.5 },
  bold: { face: 'bold', size: 10 },
  title: { face: 'bold', size: 10.5 },
  heading: { face: 'bold', size: 10 },
  letterheadName: { face: 'bold', size: 13 },
  letterheadLine: { face: 'regular', size: 8.5 },
  split: { face: 'regular', size: 9 },
  note: { face: 'bold', size: 8 },
  tableHeader: { face: 'bold', size: 9 },
  tableCell: { face: 'regular', size: 9 },
  pageNumber: { face: 'regular', size: 9 },
} as const satisfies Record<string, TextStyle>;

/** Line height as a multiple of the font size. */
export const LEADING = 1.3;

export function lineHeight(style: TextStyle): number {
  return style.size * LEADING;
}

export const GAP = {
  paragraph: 6,
  afterLetterhead: 22,
  beforeAddressee: 18,
  beforeTitle: 22,
  afterTitle: 12,
  beforeHeading: 8,
  afterHeading: 3,
  listItem: 2,
  fieldRow: 1.5,
  beforeSignature: 30,
  beforeNote: 14,
  cellPadX: 3,
  cellPadY: 2.5,
  listIndent: 18,
} as const;

/** Share of the text width the addressee column leaves free on its left. */
export const ADDRESSEE_OFFSET = 0.52;
/** Share of the text width the labels of a `fields` block take. */
export const FIELD_LABEL_WIDTH = 0.3;
/** Share of the text width the left side of a `split` line may take. */
export const SPLIT_LEFT_WIDTH = 0.68;

export const RULE_WIDTH = 0.6;
export const TABLE_RULE_WIDTH = 0.5;
/** Grey of a table's header row, as RGB (PDF/A has an sRGB output intent). */
export const HEADER_FILL: [number, number, number] = [235, 235, 235];
