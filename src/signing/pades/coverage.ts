import { check, type Check } from '../cms/verify-signer-info';
import { PdfDict, PdfStream, PdfString, isName, serialize, type PdfObject } from '../pdf/objects';
import type { PdfFile } from '../pdf/pdf-file';
import { isWhitespace } from '../pdf/parser';
import type { XrefEntry } from '../pdf/xref';

export interface Coverage {
  /** The signature covers every byte of the file but its own /Contents. */
  wholeFile: boolean;
  /** Which revision it signs (1 = the first), of how many. */
  revision: number;
  revisions: number;
  signedBytes: number;
  fileBytes: number;
}

/**
 * What a signature's /ByteRange covers: it must start at 0 and leave out exactly the /Contents
 * hex string. When later revisions follow, each object they change is compared with the signed
 * version: adding signatures, time-stamps and validation data (DSS) is allowed, as PAdES needs;
 * any other change to the signed document is reported, object by object.
 */
export function checkCoverage(file: PdfFile, byteRange: number[] | undefined, contents: PdfString | undefined): { check: Check; coverage: Coverage | undefined } {
  const fail = (detail: string) => ({ check: check('coverage', false, detail), coverage: undefined });
  const buf = file.buf;
  if (!byteRange || byteRange.length !== 4 || byteRange.some((n) => !Number.isInteger(n) || n < 0)) {
    return fail('the /ByteRange is not four non-negative integers');
  }
  const [start, firstLength, secondStart, secondLength] = byteRange as [number, number, number, number];
  if (start !== 0) return fail('the /ByteRange does not start at the beginning of the file');
  if (!contents || contents.start !== firstLength || contents.end !== secondStart || buf[firstLength] !== 0x3c || buf[secondStart - 1] !== 0x3e) {
    return fail('the gap in the /ByteRange is not exactly the /Contents hex string');
  }
  const signedEnd = secondStart + secondLength;
  if (signedEnd > buf.length) return fail('the /ByteRange reaches past the end of the file');

  const ends = file.revisionEnds();
  const revisions = Math.max(1, ends.length);
  const revision = ends.filter((e) => e <= signedEnd).length;
  const coverage: Coverage = { wholeFile: signedEnd === buf.length, revision, revisions, signedBytes: firstLength + secondLength, fileBytes: buf.length };
  if (coverage.wholeFile) return { check: check('coverage', true, 'the signature covers the whole file except its own /Contents'), coverage };

  if (!ends.includes(signedEnd)) {
    return { check: check('coverage', false, `the signature covers ${signedEnd} of ${buf.length} bytes, ending inside a revision`), coverage };
  }
  const what = `the signature covers revision ${revision} of ${revisions} (bytes 0–${signedEnd} of ${buf.length})`;
  const problems = laterChanges(file, signedEnd);
  if (problems.length) {
    return { check: check('coverage', false, `${what}; later revisions change the signed document: ${problems.slice(0, 5).join('; ')}${problems.length > 5 ? '; …' : ''}`), coverage };
  }
  return { check: check('coverage', true, `${what}; later revisions only add signatures, time-stamps or validation data`), coverage };
}

/** What the revisions after `signedEnd` change that signing and validation data may not change. */
function laterChanges(file: PdfFile, signedEnd: number): string[] {
  const problems: string[] = [];
  const lastEnd = file.revisionEnds().at(-1)!;
  for (let p = lastEnd; p < file.buf.length; p++) {
    if (!isWhitespace(file.buf[p])) {
      problems.push(`${file.buf.length - lastEnd} bytes follow the last revision`);
      break;
    }
  }
  const signedXref = new Map<number, XrefEntry>();
  for (const s of [...file.sections].reverse()) {
    if (s.offset < signedEnd) for (const [num, e] of s.entries) signedXref.set(num, e);
  }
  const later = file.sections.filter((s) => s.offset >= signedEnd);
  if (file.sections.some((s) => s.offset >= signedEnd) === false) problems.push('the later bytes are not a PDF revision');
  const changed = new Map<number, XrefEntry>();
  for (const s of [...later].reverse()) for (const [num, e] of s.entries) changed.set(num, e);
  for (const [num, entry] of changed) {
    if (num === 0) continue;
    const before = signedXref.get(num);
    if (!before || before.type === 0) continue; // a new object: harmless unless an allowed change references it
    if (entry.type === 0) {
      problems.push(`object ${num} was deleted`);
      continue;
    }
    let oldObj: PdfObject;
    let newObj: PdfObject;
    try {
      oldObj = file.objectAt(num, before);
      newObj = file.objectAt(num, entry);
    } catch {
      problems.push(`object ${num} cannot be read`);
      continue;
    }
    const why = disallowedChange(oldObj, newObj);
    if (why) problems.push(`object ${num} ${why}`);
  }
  return problems;
}

const allowedKeyChanges: Array<{ is: (d: PdfDict) => boolean; keys: string[]; label: string }> = [
  { label: 'catalog', is: (d) => isName(d.get('Type'), 'Catalog'), keys: ['AcroForm', 'DSS', 'Extensions'] },
  { label: 'page', is: (d) => isName(d.get('Type'), 'Page'), keys: ['Annots'] },
  { label: 'form', is: (d) => d.has('Fields') && !d.has('Type'), keys: ['Fields', 'SigFlags', 'DR', 'DA'] },
  { label: 'signature field', is: (d) => isName(d.get('FT'), 'Sig'), keys: ['V', 'AP', 'MK'] },
  { label: 'validation data', is: (d) => isName(d.get('Type'), 'DSS') || isName(d.get('Type'), 'VRI'), keys: ['*'] },
];

/** An inline array (/Annots, /Fields) that lost or reordered entries. */
function shrank(before: PdfObject | undefined, after: PdfObject | undefined): boolean {
  return Array.isArray(before) && (!Array.isArray(after) || serialize(after.slice(0, before.length)) !== serialize(before));
}

/** Why an existing object's new version is not a change signing may make; undefined if it is. */
function disallowedChange(oldObj: PdfObject, newObj: PdfObject): string | undefined {
  if (oldObj instanceof PdfStream || newObj instanceof PdfStream) return 'changed (a stream: page content, an image or a font)';
  if (Array.isArray(oldObj) && Array.isArray(newObj)) {
    const prefix = newObj.slice(0, oldObj.length);
    return serialize(prefix) === serialize(oldObj) ? undefined : 'changed (an array that may only grow)';
  }
  if (!(oldObj instanceof PdfDict) || !(newObj instanceof PdfDict)) {
    return serialize(oldObj) === serialize(newObj) ? undefined : 'changed';
  }
  const rule = allowedKeyChanges.find((r) => r.is(oldObj));
  if (rule?.keys.includes('*')) return undefined;
  const keys = new Set([...oldObj.entries.keys(), ...newObj.entries.keys()]);
  const changedKeys = [...keys].filter((k) => serialize(oldObj.get(k) ?? null) !== serialize(newObj.get(k) ?? null));
  if (!changedKeys.length) return undefined;
  const allowed = rule?.keys ?? [];
  const bad = changedKeys.filter((k) => !allowed.includes(k) || (k === 'V' && oldObj.has('V')) || shrank(oldObj.get(k), newObj.get(k)));
  if (!bad.length) return undefined;
  const type = oldObj.get('Type');
  return `(${rule?.label ?? (isName(type) ? type.name : 'dictionary')}) changed its ${bad.map((k) => `/${k}`).join(', ')}`;
}
