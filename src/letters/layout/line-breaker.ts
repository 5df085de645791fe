/** Width of a string in points, in the font and size the caller has in mind. */
export type MeasureFn = (text: string) => number;

// Widths are sums of floating-point glyph advances; a hair of tolerance avoids breaking lines that fit exactly.
const EPSILON = 0.01;

/**
 * Breaks text into lines no wider than `maxWidth`: at spaces, at the data's own line breaks,
 * and inside a word only when the word alone is wider than the line (a 300-character word is
 * cut where it must be, never left to run off the page). Trailing spaces of a wrapped line are
 * dropped; everything else is kept as written. Empty text is one empty line.
 */
export function breakLines(text: string, maxWidth: number, measure: MeasureFn): string[] {
  const lines: string[] = [];
  for (const hard of text.split('\n')) {
    let line = '';
    let width = 0;
    for (const token of hard.match(/[^ ]+ *| +/g) ?? []) {
      const word = token.trimEnd();
      // One measurement per token: the word's width is the token's less its trailing spaces.
      const tokenWidth = measure(token);
      const wordWidth = word ? tokenWidth - (token.length - word.length) * measure(' ') : 0;
      if (line && width + wordWidth > maxWidth + EPSILON) {
        lines.push(line.trimEnd());
        line = '';
        width = 0;
      }
      if (!line && wordWidth > maxWidth + EPSILON) {
        let rest = word;
        while (measure(rest) > maxWidth + EPSILON) {
          const cut = fittingPrefix(rest, maxWidth, measure);
          lines.push(rest.slice(0, cut));
          rest = rest.slice(cut);
        }
        line = rest + token.slice(word.length);
        width = measure(line);
        continue;
      }
      line += token;
      width += tokenWidth;
    }
    lines.push(line.trimEnd());
  }
  return lines;
}

/** Length (in UTF-16 units, never inside a surrogate pair) of the longest prefix that fits; at least one character. */
function fittingPrefix(word: string, maxWidth: number, measure: MeasureFn): number {
  const ends: number[] = [];
  let at = 0;
  for (const ch of word) {
    at += ch.length;
    ends.push(at);
  }
  let lo = 1;
  let hi = ends.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (measure(word.slice(0, ends[mid - 1])) <= maxWidth + EPSILON) lo = mid;
    else hi = mid - 1;
  }
  return ends[lo - 1]!;
}
