/** Where each thing lives inside an export. One place, so the writer and the verifier agree. */
export const README_PATH = 'README.txt';
export const MANIFEST_JSON = 'manifest.json';
export const MANIFEST_CSV = 'manifest.csv';
export const AUDIT_CHAIN = 'audit/chain.jsonl';
export const AUDIT_ANCHORS = 'audit/anchors.json';

/** A letter's folder, named by its registration number (unique in an institution): `letters/1-13_2026_5/`. */
export function letterFolder(registrationNumber: string): string {
  return `letters/${safeName(registrationNumber.replace(/\//g, '_'), 80)}/`;
}

/** A material by its position and the last part of the name it was uploaded with (never a path). */
export function materialPath(folder: string, index: number, filename: string): string {
  const base = filename.split(/[\\/]/).filter(Boolean).pop() ?? '';
  return `${folder}materials/${String(index + 1).padStart(2, '0')}-${safeName(base, 120)}`;
}

/** Each time-stamp token also as a file of its own, for `openssl ts -verify -in … -token_in`. */
export function anchorTokenPath(n: number, id: string): string {
  return `audit/anchors/${String(n).padStart(8, '0')}-${id}.tst`;
}

/**
 * A file name that is safe on every system the archive is opened on: no folders, no control or
 * reserved characters, not only dots; letters of any alphabet stay (ā, č, š survive).
 */
export function safeName(name: string, max: number): string {
  const cleaned = name
    .normalize('NFC')
    .replace(/[\u0000-\u001f\u007f<>:"/\\|?*]+/g, '_')
    .replace(/^[.\s]+|[.\s]+$/g, '')
    .trim();
  const limited = [...cleaned].slice(0, max).join('');
  return limited || 'file';
}
