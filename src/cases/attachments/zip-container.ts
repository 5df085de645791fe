/*
 * Tells zip-based documents apart without unpacking them: the central directory at the end of
 * the file lists every entry, and an OpenDocument file starts with an uncompressed `mimetype`
 * entry naming its type. Both are read from the bytes kept while the upload streamed past.
 */

const LOCAL_HEADER = 0x04034b50;
const CENTRAL_HEADER = 0x02014b50;
const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const EOCD_SIZE = 22;

export type ZipDocument =
  | { kind: 'docx' | 'xlsx' | 'odt' | 'ods' }
  | { kind: 'macro'; format: 'docx' | 'xlsx' }
  | { kind: 'other' };

/**
 * Classifies a zip file from its first bytes (`head`) and its last bytes (`tail`, ending at
 * `totalSize`). Undefined when the central directory is not within `tail` (or is zip64).
 */
export function classifyZip(head: Buffer, tail: Buffer, totalSize: number): ZipDocument | undefined {
  const names = centralDirectoryNames(tail, totalSize);
  if (!names) return undefined;
  const has = (n: string) => names.has(n);
  const openDocument = openDocumentMimetype(head);
  if (openDocument === 'application/vnd.oasis.opendocument.text' && has('content.xml')) return { kind: 'odt' };
  if (openDocument === 'application/vnd.oasis.opendocument.spreadsheet' && has('content.xml')) return { kind: 'ods' };
  if (has('[Content_Types].xml') && has('word/document.xml')) {
    return has('word/vbaProject.bin') ? { kind: 'macro', format: 'docx' } : { kind: 'docx' };
  }
  if (has('[Content_Types].xml') && has('xl/workbook.xml')) {
    return has('xl/vbaProject.bin') ? { kind: 'macro', format: 'xlsx' } : { kind: 'xlsx' };
  }
  return { kind: 'other' };
}

/** The entry names of the central directory, or undefined when it cannot be read from `tail`. */
function centralDirectoryNames(tail: Buffer, totalSize: number): Set<string> | undefined {
  const tailStart = totalSize - tail.length;
  // The end record is the last 22 bytes, unless a comment (up to 65535 bytes) follows it.
  for (let pos = tail.length - EOCD_SIZE; pos >= 0 && pos >= tail.length - EOCD_SIZE - 0xffff; pos--) {
    if (tail.readUInt32LE(pos) !== END_OF_CENTRAL_DIRECTORY) continue;
    if (pos + EOCD_SIZE + tail.readUInt16LE(pos + 20) !== tail.length) continue;
    const entries = tail.readUInt16LE(pos + 10);
    const size = tail.readUInt32LE(pos + 12);
    const offset = tail.readUInt32LE(pos + 16);
    if (offset === 0xffffffff || entries === 0xffff) return undefined;
    let at = offset - tailStart;
    if (at < 0 || at + size > pos) return undefined;
    const names = new Set<string>();
    for (let i = 0; i < entries; i++) {
      if (at + 46 > pos || tail.readUInt32LE(at) !== CENTRAL_HEADER) return undefined;
      const nameLength = tail.readUInt16LE(at + 28);
      const extraLength = tail.readUInt16LE(at + 30);
      const commentLength = tail.readUInt16LE(at + 32);
      names.add(tail.toString('utf8', at + 46, at + 46 + nameLength));
      at += 46 + nameLength + extraLength + commentLength;
    }
    return names;
  }
  return undefined;
}

/** The content of a first, stored entry named `mimetype` (the OpenDocument rule), if there is one. */
function openDocumentMimetype(head: Buffer): string | undefined {
  if (head.length < 30 || head.readUInt32LE(0) !== LOCAL_HEADER) return undefined;
  const method = head.readUInt16LE(8);
  const size = head.readUInt32LE(18);
  const nameLength = head.readUInt16LE(26);
  const extraLength = head.readUInt16LE(28);
  if (method !== 0 || head.toString('latin1', 30, 30 + nameLength) !== 'mimetype') return undefined;
  const start = 30 + nameLength + extraLength;
  if (size > 100 || start + size > head.length) return undefined;
  return head.toString('latin1', start, start + size);
}
