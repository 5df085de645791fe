import crypto from 'node:crypto';
import { PdfDict, PdfRef, PdfString, name, serialize, type PdfObject } from './objects';
import type { PdfFile } from './pdf-file';

/** An object written in the update: new, or a new version of an existing one. */
export interface UpdateObject {
  num: number;
  gen: number;
  /** The object's body as PDF syntax (between `obj` and `endobj`). */
  body: string;
}

export interface IncrementalUpdate {
  /** Bytes to append to the original file. */
  bytes: Buffer;
  /** Where each object's body starts, counted from the start of the whole file. */
  bodyOffsets: Map<number, number>;
}

/**
 * Appends a revision to `file` (ISO 32000-1 7.5.6): the objects, a cross-reference section of
 * the same kind as the file's last one (a classic table, or a stream for files that use them),
 * and a trailer pointing back with /Prev. The original bytes stay an unchanged prefix.
 */
export function incrementalUpdate(file: PdfFile, objects: UpdateObject[], size: number): IncrementalUpdate {
  const base = file.buf.length;
  const last = file.buf[base - 1];
  const parts: string[] = [last === 0x0a || last === 0x0d ? '' : '\n'];
  let offset = base + parts[0]!.length;
  const objectOffsets = new Map<number, number>();
  const bodyOffsets = new Map<number, number>();
  for (const o of [...objects].sort((a, b) => a.num - b.num)) {
    const head = `${o.num} ${o.gen} obj\n`;
    const text = `${head}${o.body}\nendobj\n`;
    objectOffsets.set(o.num, offset);
    bodyOffsets.set(o.num, offset + head.length);
    parts.push(text);
    offset += text.length;
  }

  const trailer = new PdfDict();
  trailer.set('Root', file.catalogRef);
  const info = file.trailer.get('Info');
  if (info instanceof PdfRef) trailer.set('Info', info);
  trailer.set('ID', updatedId(file.trailer.get('ID')));
  trailer.set('Prev', file.startXref);

  const xrefAt = offset;
  if (file.sections[0]!.kind === 'stream') {
    const xrefNum = size;
    objectOffsets.set(xrefNum, xrefAt);
    parts.push(xrefStream(xrefNum, objectOffsets, objects, trailer, size + 1));
  } else {
    trailer.set('Size', size);
    parts.push(xrefTable(objectOffsets, objects), `trailer\n${serialize(reorder(trailer))}\n`);
  }
  parts.push(`startxref\n${xrefAt}\n%%EOF\n`);
  return { bytes: Buffer.from(parts.join(''), 'latin1'), bodyOffsets };
}

function reorder(trailer: PdfDict): PdfDict {
  const out = new PdfDict();
  for (const key of ['Size', 'Root', 'Info', 'ID', 'Prev']) {
    const v = trailer.get(key);
    if (v !== undefined) out.set(key, v);
  }
  return out;
}

/** The first ID stays (it names the document); the second is new for this revision. */
function updatedId(id: PdfObject | undefined): PdfObject {
  const fresh = new PdfString(crypto.randomBytes(16), true);
  if (Array.isArray(id) && id[0] instanceof PdfString) return [new PdfString(id[0].bytes, true), fresh];
  return [fresh, fresh];
}

/** Consecutive object numbers grouped into subsections. */
function runs(nums: number[]): Array<[number, number[]]> {
  const out: Array<[number, number[]]> = [];
  for (const n of [...nums].sort((a, b) => a - b)) {
    const lastRun = out[out.length - 1];
    if (lastRun && lastRun[0] + lastRun[1].length === n) lastRun[1].push(n);
    else out.push([n, [n]]);
  }
  return out;
}

function xrefTable(offsets: Map<number, number>, objects: UpdateObject[]): string {
  const gens = new Map(objects.map((o) => [o.num, o.gen]));
  let out = 'xref\n';
  for (const [first, nums] of runs([...offsets.keys()])) {
    out += `${first} ${nums.length}\n`;
    // Exactly 20 bytes per entry, as the format requires.
    for (const n of nums) out += `${String(offsets.get(n)).padStart(10, '0')} ${String(gens.get(n) ?? 0).padStart(5, '0')} n\r\n`;
  }
  return out;
}

function xrefStream(num: number, offsets: Map<number, number>, objects: UpdateObject[], trailer: PdfDict, size: number): string {
  const gens = new Map(objects.map((o) => [o.num, o.gen]));
  const index: number[] = [];
  const rows: Buffer[] = [];
  for (const [first, nums] of runs([...offsets.keys()])) {
    index.push(first, nums.length);
    for (const n of nums) {
      const row = Buffer.alloc(7);
      row[0] = 1;
      row.writeUInt32BE(offsets.get(n)!, 1);
      row.writeUInt16BE(gens.get(n) ?? 0, 5);
      rows.push(row);
    }
  }
  const data = Buffer.concat(rows);
  const dict = new PdfDict()
    .set('Type', name('XRef'))
    .set('Size', size)
    .set('Index', index)
    .set('W', [1, 4, 2]);
  for (const [k, v] of reorder(trailer).entries) dict.set(k, v);
  dict.set('Length', data.length);
  return `${num} 0 obj\n${serialize(dict)}\nstream\n${data.toString('latin1')}\nendstream\nendobj\n`;
}
