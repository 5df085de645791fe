import type { HelperDelegate, HelperOptions } from 'handlebars';
import Handlebars from 'handlebars';
import { capitalize, formatBytes, formatDate, pupilWord, type DateForm, type GrammaticalCase } from '../latvian';
import { DataTable, DataText, unwrap } from './data-text';

/** Handlebars' per-render data, where the rendering keeps its table of data strings. */
interface RenderData {
  table: DataTable;
  root: { child?: { gender?: unknown }; institution?: { educational?: unknown } };
}

const dataOf = (options: HelperOptions) => options.data as RenderData;
const str = (v: unknown) => {
  const u = unwrap(v);
  return u === null || u === undefined ? '' : String(u);
};
const isOptions = (v: unknown): v is HelperOptions => typeof v === 'object' && v !== null && 'hash' in v && 'data' in v;

/**
 * The helpers letter templates may use. What a helper makes from case data is handed back as
 * data (a token), so it is printed, never read as markup; words a helper picks from the
 * template's own arguments are the template's text.
 */
export const letterHelpers: Record<string, HelperDelegate> = {
  /** `{{date d}}` "2026. gada 3. novembrī"; `{{date d "short"}}` "03.11.2026."; also "nom" and "gen". */
  date(value: unknown, ...rest: unknown[]) {
    const options = rest.pop() as HelperOptions;
    const form = (rest[0] as DateForm | undefined) ?? 'loc';
    const iso = str(value);
    return iso ? dataOf(options).table.text(formatDate(iso, form)) : '';
  },

  /** `{{g "izglītojamā" "izglītojamās"}}`: the word agreeing with the child's gender (masculine, the legal generic, when unknown). */
  g(masculine: unknown, feminine: unknown, options: HelperOptions) {
    const gender = unwrap(dataOf(options).root.child?.gender);
    return new Handlebars.SafeString(String(gender === 'f' ? feminine : masculine));
  },

  /**
   * `{{pupil "gen"}}` "izglītojamā" / "izglītojamās" (a school's word, by the child's gender) or
   * "bērna" (other senders); `cap=true` capitalises it. Cases: nom, gen, dat, acc, loc.
   */
  pupil(grammaticalCase: unknown, options: HelperOptions) {
    const root = dataOf(options).root;
    const word = pupilWord(String(grammaticalCase) as GrammaticalCase, unwrap(root.child?.gender) as 'm' | 'f' | null, root.institution?.educational === true);
    return new Handlebars.SafeString(options.hash.cap ? capitalize(word) : word);
  },

  /** `{{#is a "b"}}…{{else}}…{{/is}}`: equality of two values. */
  is(this: unknown, a: unknown, b: unknown, options: HelperOptions) {
    return unwrap(a) === unwrap(b) ? options.fn(this) : options.inverse(this);
  },

  /** `{{#has groundKeys "unexcused_absence"}}…{{/has}}`: whether a list holds a value. */
  has(this: unknown, list: unknown, value: unknown, options: HelperOptions) {
    const found = Array.isArray(list) && list.some((v) => unwrap(v) === unwrap(value));
    return found ? options.fn(this) : options.inverse(this);
  },

  /** `{{inc @index}}`: a 1-based number. */
  inc(n: unknown) {
    return Number(n) + 1;
  },

  /** `{{bytes size}}` "12 345 baiti". */
  bytes(n: unknown, options: HelperOptions) {
    return dataOf(options).table.text(formatBytes(Number(unwrap(n))));
  },

  /** `{{cap signatory.position}}` "Direktors". */
  cap(value: unknown, options: HelperOptions) {
    return value instanceof DataText || typeof value === 'string' ? dataOf(options).table.text(capitalize(str(value))) : '';
  },

  /** `{{join recipient.emails ", "}}`: list items in one line. */
  join(list: unknown, ...rest: unknown[]) {
    const options = rest.pop() as HelperOptions;
    const sep = isOptions(rest[0]) || rest[0] === undefined ? ', ' : String(rest[0]);
    return Array.isArray(list) ? dataOf(options).table.text(list.map(str).filter(Boolean).join(sep)) : '';
  },
};
