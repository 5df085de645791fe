import { PdfDict, PdfRef, PdfStream, isName, type PdfObject } from './objects';
import { PdfParser, PdfSyntaxError } from './parser';
import { decodeStream, lastStartXref, readXrefChain, type XrefEntry, type XrefSection } from './xref';

/**
 * A PDF file read for its structure: cross-reference sections (classic tables and streams,
 * every revision), the trailer, and objects on demand (also from object streams). Nothing is
 * read that is not asked for, so opening a letter costs a fraction of a millisecond.
 */
export class PdfFile {
  /** Newest first. */
  readonly sections: XrefSection[];
  readonly xref = new Map<number, XrefEntry>();
  readonly startXref: number;
  private readonly cache = new Map<number, PdfObject>();
  private readonly objectStreams = new Map<number, { data: Buffer; offsets: Map<number, number> }>();

  private constructor(readonly buf: Buffer) {
    const head = buf.subarray(0, 1024).indexOf('%PDF-', 0, 'latin1');
    if (head < 0) throw new PdfSyntaxError('this is not a PDF (no %PDF- header)', 0);
    this.startXref = lastStartXref(buf);
    this.sections = readXrefChain(buf, this.startXref);
    for (const section of [...this.sections].reverse()) {
      for (const [num, entry] of section.entries) this.xref.set(num, entry);
    }
  }

  static parse(buf: Buffer): PdfFile {
    return new PdfFile(buf);
  }

  get trailer(): PdfDict {
    return this.sections[0]!.trailer;
  }

  /** The next free object number (the trailer's /Size). */
  get size(): number {
    const size = this.trailer.get('Size');
    const max = Math.max(0, ...this.xref.keys()) + 1;
    return typeof size === 'number' ? Math.max(size, max) : max;
  }

  get version(): string {
    return /%PDF-(\d\.\d)/.exec(this.buf.toString('latin1', 0, 1024))?.[1] ?? '1.0';
  }

  /** The current version of object `num`. */
  get(num: number): PdfObject | undefined {
    if (this.cache.has(num)) return this.cache.get(num);
    const entry = this.xref.get(num);
    if (!entry || entry.type === 0) return undefined;
    const value = this.objectAt(num, entry);
    this.cache.set(num, value);
    return value;
  }

  /** The object a given cross-reference entry points at (an older version, for comparing revisions). */
  objectAt(num: number, entry: XrefEntry): PdfObject {
    if (entry.type === 0) return null;
    if (entry.type === 2) return this.fromObjectStream(num, entry.stream, entry.index);
    const parser = new PdfParser(this.buf, entry.offset, (ref) => {
      const v = ref.num === num ? undefined : this.resolve(ref);
      return typeof v === 'number' ? v : undefined;
    });
    const obj = parser.parseIndirect();
    if (obj.num !== num) throw new PdfSyntaxError(`the cross-reference entry of object ${num} points at object ${obj.num}`, entry.offset);
    return obj.value;
  }

  /** Follows references until a direct object (or undefined for a missing one). */
  resolve(o: PdfObject | undefined): PdfObject | undefined {
    for (let hops = 0; o instanceof PdfRef; hops++) {
      if (hops > 32) throw new PdfSyntaxError('reference chain too long', 0);
      o = this.get(o.num);
    }
    return o;
  }

  dict(o: PdfObject | undefined): PdfDict | undefined {
    const v = this.resolve(o);
    if (v instanceof PdfDict) return v;
    if (v instanceof PdfStream) return v.dict;
    return undefined;
  }

  get catalogRef(): PdfRef {
    const root = this.trailer.get('Root');
    if (!(root instanceof PdfRef)) throw new PdfSyntaxError('the trailer has no /Root', this.startXref);
    return root;
  }

  get catalog(): PdfDict {
    const catalog = this.dict(this.catalogRef);
    if (!catalog) throw new PdfSyntaxError('the document catalog is missing', this.startXref);
    return catalog;
  }

  /** Byte positions just after each `%%EOF` marker (and its end-of-line): where each revision ends. */
  revisionEnds(): number[] {
    const ends: number[] = [];
    for (let at = this.buf.indexOf('%%EOF', 0, 'latin1'); at >= 0; at = this.buf.indexOf('%%EOF', at + 5, 'latin1')) {
      let end = at + 5;
      if (this.buf[end] === 0x0d) end++;
      if (this.buf[end] === 0x0a) end++;
      ends.push(end);
    }
    return ends;
  }

  private fromObjectStream(num: number, streamNum: number, index: number): PdfObject {
    let objStm = this.objectStreams.get(streamNum);
    if (!objStm) {
      const stream = this.get(streamNum);
      if (!(stream instanceof PdfStream) || !isName(stream.dict.get('Type'), 'ObjStm')) {
        throw new PdfSyntaxError(`object ${num} is said to be in object stream ${streamNum}, which is not one`, 0);
      }
      const data = decodeStream(this.buf, stream);
      const n = stream.dict.get('N') as number;
      const first = stream.dict.get('First') as number;
      const header = new PdfParser(data, 0);
      const offsets = new Map<number, number>();
      for (let i = 0; i < n; i++) {
        const objNum = Number(header.keyword());
        const off = Number(header.keyword());
        offsets.set(objNum, first + off);
      }
      objStm = { data, offsets };
      this.objectStreams.set(streamNum, objStm);
    }
    const at = objStm.offsets.get(num);
    if (at === undefined) throw new PdfSyntaxError(`object ${num} (#${index}) is not in object stream ${streamNum}`, 0);
    return new PdfParser(objStm.data, at).parseObject();
  }
}
