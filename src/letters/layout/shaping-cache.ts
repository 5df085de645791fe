import type { FaceName } from '../fonts';

/*
 * Shaping a word (fontkit runs the font's OpenType features over it) costs far more than
 * everything else in a letter, and letters repeat most of their words. PDFKit caches shaped
 * words per document; these caches keep them for the process instead: widths for the layout,
 * and PDFKit's own per-font cache of shaped runs, shared by every document's font object.
 * A shaped run depends only on the font and the text, and PDFKit never changes one once cached.
 */

// Names, addresses and descriptions make the set of words unbounded: start over rather than grow without end.
const MAX_WORDS = 50_000;

interface Generation {
  /** Width of the text at size 1000, by face. */
  widths: Record<FaceName, Map<string, number>>;
  /** PDFKit's `EmbeddedFont.layoutCache` objects, by face. */
  runs: Record<FaceName, Record<string, unknown>>;
}

let current = fresh();

function fresh(): Generation {
  return { widths: { regular: new Map(), bold: new Map() }, runs: { regular: Object.create(null), bold: Object.create(null) } };
}

/** The width of `text` at `size`; `measureEm` answers it at size 1000 when it is not cached yet. */
export function cachedWidth(face: FaceName, text: string, size: number, measureEm: () => number): number {
  let widths = current.widths[face];
  let em = widths.get(text);
  if (em === undefined) {
    if (widths.size >= MAX_WORDS) {
      current = fresh();
      widths = current.widths[face];
    }
    em = measureEm();
    widths.set(text, em);
  }
  return (em * size) / 1000;
}

/**
 * Points the document's current font (just selected with `doc.font(face)`) at the shared cache
 * of shaped runs. Without PDFKit's cache property (another PDFKit version) nothing changes but speed.
 */
export function shareShapedRuns(doc: PDFKit.PDFDocument, face: FaceName): void {
  const font = (doc as unknown as { _font?: { layoutCache?: unknown } })._font;
  if (font && typeof font.layoutCache === 'object' && font.layoutCache !== null) font.layoutCache = current.runs[face];
}
