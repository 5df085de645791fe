import zlib from 'node:zlib';
import { PdfDict, PdfStream, isName, type PdfObject } from './objects';
import { PdfParser, PdfSyntaxError } from './parser';

/** Where an object lives: at a byte offset (type 1), or inside an object stream (type 2). */
export type XrefEntry =
  | { type: 0 }
  | { type: 1; offset: number; gen: number }
  | { type: 2; stream: number; index: number };

/** One cross-reference section, i.e. one revision's table of changed objects. */
export interface XrefSection {
  /** Where the section starts (the value of the startxref that led here). */
  offset: number;
  kind: 'table' | 'stream';
  trailer: PdfDict;
  entries: Map<number, XrefEntry>;
}

/** Reads the offset after the last `startxref`. */
export function lastStartXref(buf: Buffer): number {
  const tail = Math.max(0, buf.length - 2048);
  const at = buf.lastIndexOf('startxref', buf.length, 'latin1');
  if (at < tail) throw new PdfSyntaxError('no startxref near the end: not a PDF, or cut short', buf.length);
  const p = new PdfParser(buf, at + 'startxref'.length);
  const value = Number(p.keyword());
  if (!Number.isInteger(value) || value < 0 || value >= buf.length) throw new PdfSyntaxError('startxref points outside the file', at);
  return value;
}

/**
 * Every cross-reference section, newest first, following /Prev (and /XRefStm of hybrid files).
 * `resolveLength` reads an indirect /Length of an xref stream's neighbours, when needed.
 */
export function readXrefChain(buf: Buffer, start: number): XrefSection[] {
  const sections: XrefSection[] = [];
  const seen = new Set<number>();
  for (let offset: number | undefined = start; offset !== undefined; ) {
    if (seen.has(offset)) throw new PdfSyntaxError('the cross-reference /Prev chain loops', offset);
    seen.add(offset);
    const section = readSection(buf, offset);
    const xrefStm = section.trailer.get('XRefStm');
    if (section.kind === 'table' && typeof xrefStm === 'number' && !seen.has(xrefStm)) {
      // Hybrid file: objects hidden from old readers are listed in the stream; the table wins.
      const hidden = readSection(buf, xrefStm);
      for (const [num, entry] of hidden.entries) if (!section.entries.has(num)) section.entries.set(num, entry);
    }
    sections.push(section);
    const prev = section.trailer.get('Prev');
    offset = typeof prev === 'number' ? prev : undefined;
  }
  return sections;
}

function readSection(buf: Buffer, offset: number): XrefSection {
  const p = new PdfParser(buf, offset);
  p.skipSpace();
  if (buf.toString('latin1', p.pos, p.pos + 4) === 'xref') return readTable(offset, p);
  const obj = p.parseIndirect();
  if (!(obj.value instanceof PdfStream) || !isName(obj.value.dict.get('Type'), 'XRef')) {
    throw new PdfSyntaxError('startxref or /Prev does not point at a cross-reference table or stream', offset);
  }
  return readStreamSection(buf, offset, obj.value);
}

function readTable(offset: number, p: PdfParser): XrefSection {
  p.expectKeyword('xref');
  const entries = new Map<number, XrefEntry>();
  for (;;) {
    const save = p.pos;
    const word = p.keyword();
    if (word === 'trailer') break;
    const first = Number(word);
    const count = Number(p.keyword());
    if (!Number.isInteger(first) || !Number.isInteger(count)) {
      throw new PdfSyntaxError('bad cross-reference subsection header', save);
    }
    for (let i = 0; i < count; i++) {
      const off = Number(p.keyword());
      const gen = Number(p.keyword());
      const kind = p.keyword();
      const num = first + i;
      if (entries.has(num)) continue;
      if (kind === 'n') entries.set(num, { type: 1, offset: off, gen });
      else if (kind === 'f') entries.set(num, { type: 0 });
      else throw new PdfSyntaxError('bad cross-reference entry', p.pos);
    }
  }
  const trailer = p.parseObject();
  if (!(trailer instanceof PdfDict)) throw new PdfSyntaxError('the trailer is not a dictionary', p.pos);
  return { offset, kind: 'table', trailer, entries };
}

function readStreamSection(buf: Buffer, offset: number, stream: PdfStream): XrefSection {
  const dict = stream.dict;
  const widths = dict.get('W');
  const size = dict.get('Size');
  if (!Array.isArray(widths) || widths.length !== 3 || typeof size !== 'number') {
    throw new PdfSyntaxError('the cross-reference stream lacks /W or /Size', offset);
  }
  const [w0, w1, w2] = widths.map((w) => (typeof w === 'number' ? w : 0)) as [number, number, number];
  const index = dict.get('Index');
  const ranges = Array.isArray(index) ? (index as number[]) : [0, size];
  const data = decodeStream(buf, stream);
  const rowLength = w0 + w1 + w2;
  const field = (pos: number, width: number, dflt: number): number => {
    if (width === 0) return dflt;
    let v = 0;
    for (let k = 0; k < width; k++) v = v * 256 + data[pos + k]!;
    return v;
  };
  const entries = new Map<number, XrefEntry>();
  let row = 0;
  for (let r = 0; r + 1 < ranges.length; r += 2) {
    const first = ranges[r]!;
    for (let i = 0; i < ranges[r + 1]!; i++, row++) {
      const at = row * rowLength;
      if (at + rowLength > data.length) throw new PdfSyntaxError('the cross-reference stream is shorter than its /Index says', offset);
      const type = field(at, w0, 1);
      const a = field(at + w0, w1, 0);
      const b = field(at + w0 + w1, w2, 0);
      const num = first + i;
      if (type === 1) entries.set(num, { type: 1, offset: a, gen: b });
      else if (type === 2) entries.set(num, { type: 2, stream: a, index: b });
      else if (type === 0) entries.set(num, { type: 0 });
    }
  }
  return { offset, kind: 'stream', trailer: dict, entries };
}

/** The decoded bytes of a stream: FlateDecode (with PNG predictors) or none. */
export function decodeStream(buf: Buffer, stream: PdfStream): Buffer {
  const rawData = buf.subarray(stream.start, stream.end);
  const filter = stream.dict.get('Filter');
  const filters = (Array.isArray(filter) ? filter : filter === undefined ? [] : [filter]) as PdfObject[];
  const parmsObj = stream.dict.get('DecodeParms');
  const parms = (Array.isArray(parmsObj) ? parmsObj : [parmsObj]) as PdfObject[];
  let data: Buffer = rawData;
  filters.forEach((f, i) => {
    if (!isName(f, 'FlateDecode')) throw new PdfSyntaxError(`unsupported stream filter ${isName(f) ? f.name : '?'}`, stream.start);
    data = zlib.inflateSync(data, { finishFlush: zlib.constants.Z_SYNC_FLUSH });
    const p = parms[i];
    if (p instanceof PdfDict) data = unpredict(data, p);
  });
  return data;
}

function unpredict(data: Buffer, parms: PdfDict): Buffer {
  const predictor = parms.get('Predictor');
  if (typeof predictor !== 'number' || predictor === 1) return data;
  if (predictor < 10) throw new Error(`unsupported predictor ${predictor}`);
  const colors = (parms.get('Colors') as number | undefined) ?? 1;
  const bpc = (parms.get('BitsPerComponent') as number | undefined) ?? 8;
  const columns = (parms.get('Columns') as number | undefined) ?? 1;
  const bpp = Math.max(1, Math.ceil((colors * bpc) / 8));
  const rowLength = Math.ceil((colors * bpc * columns) / 8);
  const rows = Math.floor(data.length / (rowLength + 1));
  const out = Buffer.alloc(rows * rowLength);
  for (let r = 0; r < rows; r++) {
    const type = data[r * (rowLength + 1)]!;
    const src = r * (rowLength + 1) + 1;
    const dst = r * rowLength;
    for (let i = 0; i < rowLength; i++) {
      const x = data[src + i]!;
      const left = i >= bpp ? out[dst + i - bpp]! : 0;
      const up = r > 0 ? out[dst - rowLength + i]! : 0;
      const upLeft = r > 0 && i >= bpp ? out[dst - rowLength + i - bpp]! : 0;
      let v: number;
      switch (type) {
        case 0: v = x; break;
        case 1: v = x + left; break;
        case 2: v = x + up; break;
        case 3: v = x + ((left + up) >> 1); break;
        case 4: {
          const pa = Math.abs(up - upLeft);
          const pb = Math.abs(left - upLeft);
          const pc = Math.abs(left + up - 2 * upLeft);
          v = x + (pa <= pb && pa <= pc ? left : pb <= pc ? up : upLeft);
          break;
        }
        default:
          throw new Error(`bad PNG predictor row type ${type}`);
      }
      out[dst + i] = v & 0xff;
    }
  }
  return out;
}
