/**
 * Case data enters templates as opaque tokens, never as text. Every string of the template data
 * is replaced by an object whose printed form (through Handlebars' `toHTML` hook, which both
 * `{{x}}` and `{{{x}}}` honour) is a private-use token; the markup parser reads the template's
 * output with the tokens still in it, and only then puts each string back where its token was.
 * So `{{`, `|`, `::`, `<`, `#` or a line break in a name is printed as it is and cannot become
 * structure, whatever the template does with it.
 */

const OPEN = '\uE000';
const CLOSE = '\uE001';
export const TOKEN = /\uE000(\d+)\uE001/g;

/** A data string inside the template context. */
export class DataText {
  constructor(readonly value: string, private readonly token: string) {}
  toHTML(): string {
    return this.token;
  }
  toString(): string {
    return this.token;
  }
}

/** The strings of one rendering, by token number. */
export class DataTable {
  readonly values: string[] = [];

  text(value: string): DataText {
    const clean = cleanText(value);
    this.values.push(clean);
    return new DataText(clean, `${OPEN}${this.values.length - 1}${CLOSE}`);
  }

  /** Replaces every token in `s` by its string. */
  resolve(s: string): string {
    return s.replace(TOKEN, (_m, i: string) => this.values[Number(i)] ?? '');
  }
}

/**
 * Wraps every non-empty string of `value` (deeply) for the template context. Empty strings stay
 * empty so `{{#if}}` treats them as missing; numbers, booleans and null pass as they are.
 */
export function wrapData<T>(value: T, table: DataTable): unknown {
  if (typeof value === 'string') return value === '' ? '' : table.text(value);
  if (Array.isArray(value)) return value.map((v) => wrapData(v, table));
  if (value && typeof value === 'object' && !(value instanceof DataText)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = wrapData(v, table);
    return out;
  }
  return value;
}

/** The string inside a template value, whether wrapped or not. */
export function unwrap(value: unknown): unknown {
  return value instanceof DataText ? value.value : value;
}

/**
 * Data as it may be printed: composed (NFC, so "ā" is one glyph), ligature characters spelt out, CR LF as LF, tabs as spaces,
 * and without control or bidirectional-override characters, which would print nothing or
 * reorder what is printed.
 */
export function cleanText(value: string): string {
  return value
    .normalize('NFC')
    // Presentation-form ligatures (ﬁ, ﬂ…) as their letters: the font forms ligatures itself, and copies them back as letters.
    .replace(/[\uFB00-\uFB06]/g, (c) => c.normalize('NFKC'))
    .replace(/\r\n?/g, '\n')
    .replace(/\t/g, ' ')
    .replace(/[\u0000-\u0009\u000B-\u001F\u007F-\u009F\u200B-\u200F\u202A-\u202E\u2060-\u2069\uFEFF\uE000-\uF8FF]/g, '');
}
