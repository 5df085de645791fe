import { PdfDict, PdfName, PdfRef, PdfStream, PdfString, type PdfObject } from './objects';

/** Thrown for bytes that are not the PDF syntax expected; the message says where. */
export class PdfSyntaxError extends Error {
  constructor(message: string, readonly offset: number) {
    super(`${message} (at byte ${offset})`);
    this.name = 'PdfSyntaxError';
  }
}

const WHITESPACE = new Uint8Array(256);
for (const c of [0x00, 0x09, 0x0a, 0x0c, 0x0d, 0x20]) WHITESPACE[c] = 1;
const DELIMITER = new Uint8Array(256);
for (const c of '()<>[]{}/%') DELIMITER[c.charCodeAt(0)] = 1;

export const isWhitespace = (b: number | undefined): boolean => b !== undefined && WHITESPACE[b] === 1;
const isRegular = (b: number | undefined): boolean => b !== undefined && !WHITESPACE[b] && !DELIMITER[b];

/** Resolves a stream's /Length when it is an indirect reference. */
export type LengthResolver = (ref: PdfRef) => number | undefined;

/**
 * A reader of PDF objects (ISO 32000-1 7.2–7.3) over the file's bytes, positioned at `pos`.
 * It keeps the place of every string, so a signature's /Contents can be located exactly.
 */
export class PdfParser {
  constructor(readonly buf: Buffer, public pos = 0, private readonly resolveLength?: LengthResolver) {}

  skipSpace(): void {
    const buf = this.buf;
    for (;;) {
      const b = buf[this.pos];
      if (b === undefined) return;
      if (WHITESPACE[b]) this.pos++;
      else if (b === 0x25 /* % */) {
        while (this.pos < buf.length && buf[this.pos] !== 0x0a && buf[this.pos] !== 0x0d) this.pos++;
      } else return;
    }
  }

  /** A bare keyword or number token at the current position (after whitespace). */
  keyword(): string {
    this.skipSpace();
    const start = this.pos;
    while (isRegular(this.buf[this.pos])) this.pos++;
    return this.buf.toString('latin1', start, this.pos);
  }

  expectKeyword(word: string): void {
    const at = this.pos;
    const got = this.keyword();
    if (got !== word) throw new PdfSyntaxError(`expected "${word}", found "${got.slice(0, 20)}"`, at);
  }

  /** `N G obj <object> endobj`; returns the object and its number. */
  parseIndirect(): { num: number; gen: number; value: PdfObject } {
    const at = this.pos;
    const num = Number(this.keyword());
    const gen = Number(this.keyword());
    if (!Number.isInteger(num) || !Number.isInteger(gen)) throw new PdfSyntaxError('expected an object header "N G obj"', at);
    this.expectKeyword('obj');
    const value = this.parseObject(true);
    return { num, gen, value };
  }

  parseObject(allowStream = false, depth = 0): PdfObject {
    if (depth > 100) throw new PdfSyntaxError('objects nested too deeply', this.pos);
    this.skipSpace();
    const buf = this.buf;
    const start = this.pos;
    const b = buf[this.pos];
    if (b === undefined) throw new PdfSyntaxError('unexpected end of file', this.pos);
    if (b === 0x2f /* / */) return this.parseName();
    if (b === 0x28 /* ( */) return this.parseLiteralString();
    if (b === 0x3c /* < */) {
      if (buf[this.pos + 1] === 0x3c) {
        const dict = this.parseDict(depth);
        return allowStream ? this.maybeStream(dict) : dict;
      }
      return this.parseHexString();
    }
    if (b === 0x5b /* [ */) {
      this.pos++;
      const items: PdfObject[] = [];
      for (;;) {
        this.skipSpace();
        if (buf[this.pos] === 0x5d) {
          this.pos++;
          return items;
        }
        if (this.pos >= buf.length) throw new PdfSyntaxError('unterminated array', start);
        items.push(this.parseObject(false, depth + 1));
      }
    }
    const word = this.keyword();
    if (word === 'true') return true;
    if (word === 'false') return false;
    if (word === 'null') return null;
    const n = Number(word);
    if (word === '' || Number.isNaN(n)) throw new PdfSyntaxError(`unexpected "${word || String.fromCharCode(b)}"`, start);
    if (Number.isInteger(n) && n >= 0 && /^\d+$/.test(word)) {
      // "N G R" is a reference; look ahead without consuming anything else.
      const save = this.pos;
      const gen = this.keyword();
      if (/^\d+$/.test(gen) && this.keyword() === 'R') return new PdfRef(n, Number(gen));
      this.pos = save;
    }
    return n;
  }

  private parseName(): PdfName {
    const buf = this.buf;
    this.pos++;
    const bytes: number[] = [];
    while (isRegular(buf[this.pos])) {
      const c = buf[this.pos]!;
      if (c === 0x23 /* # */ && /^[0-9a-fA-F]{2}$/.test(buf.toString('latin1', this.pos + 1, this.pos + 3))) {
        bytes.push(parseInt(buf.toString('latin1', this.pos + 1, this.pos + 3), 16));
        this.pos += 3;
      } else {
        bytes.push(c);
        this.pos++;
      }
    }
    return new PdfName(Buffer.from(bytes).toString('latin1'));
  }

  private parseDict(depth: number): PdfDict {
    const start = this.pos;
    this.pos += 2;
    const dict = new PdfDict();
    for (;;) {
      this.skipSpace();
      const b = this.buf[this.pos];
      if (b === 0x3e && this.buf[this.pos + 1] === 0x3e) {
        this.pos += 2;
        return dict;
      }
      if (b === undefined) throw new PdfSyntaxError('unterminated dictionary', start);
      if (b !== 0x2f) throw new PdfSyntaxError('expected a name as dictionary key', this.pos);
      const key = this.parseName().name;
      dict.set(key, this.parseObject(false, depth + 1));
    }
  }

  private maybeStream(dict: PdfDict): PdfDict | PdfStream {
    const save = this.pos;
    if (this.keyword() !== 'stream') {
      this.pos = save;
      return dict;
    }
    // The keyword is followed by CRLF or LF (a lone CR is tolerated).
    if (this.buf[this.pos] === 0x0d) this.pos++;
    if (this.buf[this.pos] === 0x0a) this.pos++;
    const start = this.pos;
    const lengthObj = dict.get('Length');
    let length = typeof lengthObj === 'number' ? lengthObj : lengthObj instanceof PdfRef ? this.resolveLength?.(lengthObj) : undefined;
    if (length === undefined || !this.endstreamAt(start + length)) {
      // A wrong or unknown /Length: find the end by the keyword instead.
      const end = this.buf.indexOf('endstream', start, 'latin1');
      if (end < 0) throw new PdfSyntaxError('stream without endstream', start);
      length = end - start;
      while (length > 0 && isWhitespace(this.buf[start + length - 1])) length--;
    }
    this.pos = start + length;
    this.expectKeyword('endstream');
    return new PdfStream(dict, start, start + length);
  }

  private endstreamAt(at: number): boolean {
    let p = at;
    while (isWhitespace(this.buf[p])) p++;
    return this.buf.toString('latin1', p, p + 9) === 'endstream';
  }

  private parseLiteralString(): PdfString {
    const buf = this.buf;
    const start = this.pos;
    this.pos++;
    const out: number[] = [];
    let depth = 1;
    while (this.pos < buf.length) {
      const c = buf[this.pos++]!;
      if (c === 0x5c /* \ */) {
        const e = buf[this.pos++];
        switch (e) {
          case 0x6e: out.push(0x0a); break;
          case 0x72: out.push(0x0d); break;
          case 0x74: out.push(0x09); break;
          case 0x62: out.push(0x08); break;
          case 0x66: out.push(0x0c); break;
          case 0x0d:
            if (buf[this.pos] === 0x0a) this.pos++;
            break;
          case 0x0a:
            break;
          default:
            if (e !== undefined && e >= 0x30 && e <= 0x37) {
              let v = e - 0x30;
              for (let k = 0; k < 2 && buf[this.pos]! >= 0x30 && buf[this.pos]! <= 0x37; k++) v = v * 8 + (buf[this.pos++]! - 0x30);
              out.push(v & 0xff);
            } else if (e !== undefined) out.push(e);
        }
      } else if (c === 0x28) {
        depth++;
        out.push(c);
      } else if (c === 0x29) {
        if (--depth === 0) return new PdfString(Buffer.from(out), false, start, this.pos);
        out.push(c);
      } else out.push(c);
    }
    throw new PdfSyntaxError('unterminated string', start);
  }

  private parseHexString(): PdfString {
    const start = this.pos;
    const end = this.buf.indexOf(0x3e, this.pos);
    if (end < 0) throw new PdfSyntaxError('unterminated hex string', start);
    let hex = this.buf.toString('latin1', this.pos + 1, end).replace(/[\0\t\n\f\r ]/g, '');
    if (!/^[0-9a-fA-F]*$/.test(hex)) throw new PdfSyntaxError('bad hex string', start);
    if (hex.length % 2) hex += '0';
    this.pos = end + 1;
    return new PdfString(Buffer.from(hex, 'hex'), true, start, this.pos);
  }
}
