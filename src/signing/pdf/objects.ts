/** The PDF object model (ISO 32000-1 7.3), just enough to read and update a document's structure. */

export class PdfName {
  constructor(readonly name: string) {}
}

export class PdfString {
  /** `start`/`end`: where the string's token (delimiters included) sits in the file, when read from one. */
  constructor(readonly bytes: Buffer, readonly hex: boolean, readonly start = -1, readonly end = -1) {}
}

export class PdfRef {
  constructor(readonly num: number, readonly gen: number) {}
  get key(): string {
    return `${this.num} ${this.gen}`;
  }
}

export class PdfDict {
  constructor(readonly entries: Map<string, PdfObject> = new Map()) {}
  get(key: string): PdfObject | undefined {
    return this.entries.get(key);
  }
  set(key: string, value: PdfObject): this {
    this.entries.set(key, value);
    return this;
  }
  has(key: string): boolean {
    return this.entries.has(key);
  }
  /** A shallow copy, to change without touching what was read. */
  clone(): PdfDict {
    return new PdfDict(new Map(this.entries));
  }
}

export class PdfStream {
  /** `start`/`end`: the raw (encoded) data's place in the file. */
  constructor(readonly dict: PdfDict, readonly start: number, readonly end: number) {}
}

/** A PDF keyword token other than true/false/null (only used for the operator `R` and object syntax). */
export type PdfObject = null | boolean | number | PdfName | PdfString | PdfRef | PdfObject[] | PdfDict | PdfStream;

export const name = (n: string): PdfName => new PdfName(n);

export function isName(o: PdfObject | undefined, n?: string): o is PdfName {
  return o instanceof PdfName && (n === undefined || o.name === n);
}

// ---- writing ----

const REGULAR = /^[!-~]$/;
const DELIMITERS = new Set(['(', ')', '<', '>', '[', ']', '{', '}', '/', '%', '#']);

const PLAIN_NAME = /^[A-Za-z0-9._+-]*$/;

function serializeName(n: string): string {
  if (PLAIN_NAME.test(n)) return `/${n}`;
  let out = '/';
  for (const ch of n) {
    const code = ch.charCodeAt(0);
    if (code > 0xff) {
      for (const b of Buffer.from(ch, 'utf8')) out += `#${b.toString(16).padStart(2, '0')}`;
    } else if (!REGULAR.test(ch) || DELIMITERS.has(ch)) out += `#${code.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return out;
}

function serializeNumber(n: number): string {
  if (Number.isInteger(n)) return String(n);
  // PDF has no exponent notation.
  return n.toFixed(6).replace(/0+$/, '').replace(/\.$/, '');
}

function serializeString(s: PdfString): string {
  if (s.hex) return `<${s.bytes.toString('hex')}>`;
  let out = '(';
  for (const b of s.bytes) {
    if (b === 0x28 || b === 0x29 || b === 0x5c) out += `\\${String.fromCharCode(b)}`;
    else if (b >= 0x20 && b < 0x7f) out += String.fromCharCode(b);
    else out += `\\${b.toString(8).padStart(3, '0')}`;
  }
  return `${out})`;
}

/** The object as PDF syntax (latin1 text). Streams are not rewritten by this module. */
export function serialize(o: PdfObject): string {
  if (o === null) return 'null';
  if (typeof o === 'boolean') return o ? 'true' : 'false';
  if (typeof o === 'number') return serializeNumber(o);
  if (o instanceof PdfName) return serializeName(o.name);
  if (o instanceof PdfString) return serializeString(o);
  if (o instanceof PdfRef) return `${o.num} ${o.gen} R`;
  if (Array.isArray(o)) return `[${o.map(serialize).join(' ')}]`;
  if (o instanceof PdfDict) {
    let out = '<<';
    for (const [k, v] of o.entries) out += `${serializeName(k)} ${serialize(v)}`;
    return `${out}>>`;
  }
  throw new Error('a stream cannot be rewritten here');
}
