import fs from 'node:fs';
import path from 'node:path';
import * as fontkit from 'fontkit';

/** The faces letters use; the names are what the layout asks pdfkit for. */
export type FaceName = 'regular' | 'bold';

/** A parsed font that pdfkit can embed (pdfkit 0.20 accepts fontkit objects as well as bytes). */
export type ParsedFont = fontkit.Font;

const FILES: Record<FaceName, string> = {
  regular: 'DejaVuSans.ttf',
  bold: 'DejaVuSans-Bold.ttf',
};

let loaded: Record<FaceName, ParsedFont> | undefined;

/**
 * DejaVu Sans, regular and bold, parsed once per process. Registering the font from bytes for
 * every document made fontkit parse it each time (≈ 40 ms of a 60 ms letter here); a parsed
 * font is read-only for pdfkit, which keeps each document's subset apart.
 */
export function letterFonts(): Record<FaceName, ParsedFont> {
  if (!loaded) {
    const dir = path.join(path.dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf');
    const parse = (file: string) => shareableFont(fontkit.create(fs.readFileSync(path.join(dir, file))));
    loaded = { regular: parse(FILES.regular), bold: parse(FILES.bold) };
  }
  return loaded;
}

interface GlyphInternals {
  codePoints?: number[];
  _decode?: () => unknown;
}

/**
 * Makes one parsed font safe and fast to share between documents.
 *
 * fontkit keeps one glyph object per glyph id, with the characters it was first asked for.
 * Embedding a subset asks for the parts of a composite glyph ("G" of "Ģ") with none, and a
 * later document that prints "G" would get that glyph without its character: its ToUnicode
 * entry, and so the copied text, would lose the letter. A glyph asked for with characters gets
 * them here. (DejaVu maps no two characters to one glyph, so which characters a glyph carries
 * does not depend on which letters came first.)
 *
 * Embedding also decodes every used glyph's outline again for every document (fontkit only
 * needs to know whether a glyph is composite, and of what). The outline of a static font never
 * changes, so each glyph decodes once per process here: the single largest cost of embedding.
 */
function shareableFont(font: ParsedFont): ParsedFont {
  const f = font as unknown as { getGlyph?: (id: number, codePoints?: number[]) => GlyphInternals; variationAxes?: object };
  const getGlyph = f.getGlyph?.bind(font);
  if (!getGlyph || Object.keys(f.variationAxes ?? {}).length) return font;
  const memoized = new WeakSet<object>();
  f.getGlyph = (id, codePoints) => {
    const glyph = getGlyph(id, codePoints);
    if (glyph && codePoints?.length && !glyph.codePoints?.length) glyph.codePoints = codePoints;
    if (glyph && !memoized.has(glyph) && typeof glyph._decode === 'function') {
      const decode = glyph._decode;
      let decoded: unknown;
      let done = false;
      glyph._decode = function (this: GlyphInternals) {
        if (!done) {
          decoded = decode.call(this);
          done = true;
        }
        return decoded;
      };
      memoized.add(glyph);
    }
    return glyph;
  };
  return font;
}

const supported = new Map<number, boolean>();

/**
 * Replaces characters the font cannot draw with U+FFFD, so that what is printed, what is copied
 * out of the PDF and what the letter's text says stay the same (a missing glyph would copy as
 * nothing at all).
 */
export function printable(text: string): string {
  const font = letterFonts().regular;
  let out = '';
  let changed = false;
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (cp < 0x80) {
      out += ch;
      continue;
    }
    let ok = supported.get(cp);
    if (ok === undefined) {
      ok = font.hasGlyphForCodePoint(cp) && letterFonts().bold.hasGlyphForCodePoint(cp);
      supported.set(cp, ok);
    }
    if (ok) out += ch;
    else {
      out += '\uFFFD';
      changed = true;
    }
  }
  return changed ? out : text;
}
