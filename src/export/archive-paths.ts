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

// Controls (C0, C1), line separators, and the invisible and direction-changing characters that
// make a name read as something else ("fdp.exe" shown as "exe.pdf"), besides what file systems refuse.
const UNSAFE_IN_NAME = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff<>:"/\\|?*]+/g;
const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$/i;

/**
 * A file name that is safe on every system the archive is opened on: no folders, no control,
 * invisible, direction-changing or reserved characters, not only dots, not a Windows device
 * name; letters of any alphabet stay (ā, č, š survive).
 */
export function safeName(name: string, max: number): string {
  const cleaned = name
    .normalize('NFC')
    .replace(UNSAFE_IN_NAME, '_')
    .replace(/^[.\s]+|[.\s]+$/g, '')
    .trim();
  const limited = [...cleaned].slice(0, max).join('');
  if (!limited) return 'file';
  return WINDOWS_RESERVED.test(limited) ? `_${limited}` : limited;
}
