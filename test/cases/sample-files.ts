import PDFDocument from 'pdfkit';
import yazl from 'yazl';

/*
 * Real files of every kind the upload accepts or refuses, made here so no binary is committed.
 */

export function pdf(text = 'Darba materiāls'): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument();
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c)).on('end', () => resolve(Buffer.concat(chunks))).on('error', reject);
    doc.text(text);
    doc.end();
  });
}

/** A 1×1 PNG. */
export const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

/** A 1×1 JPEG. */
export const jpeg = Buffer.from(
  '/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAP//////////////////////////////////////////////////////////////////////////////////////wgALCAABAAEBAREA/8QAFBABAAAAAAAAAAAAAAAAAAAAAP/aAAgBAQABPxA=',
  'base64',
);

/** A Windows executable: "MZ", a DOS stub and a PE header, with the NULs such files are full of. */
export function exe(): Buffer {
  const b = Buffer.alloc(1024);
  b.write('MZ', 0, 'latin1');
  b.writeUInt32LE(0x80, 0x3c);
  b.write('PE\0\0', 0x80, 'latin1');
  b.write('This program cannot be run in DOS mode.', 0x4e, 'latin1');
  return b;
}

export function zip(entries: Array<[name: string, content: string | Buffer, stored?: boolean]>): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const z = new yazl.ZipFile();
    for (const [name, content, stored] of entries) z.addBuffer(Buffer.from(content), name, { compress: !stored });
    z.end();
    const chunks: Buffer[] = [];
    z.outputStream.on('data', (c: Buffer) => chunks.push(c)).on('end', () => resolve(Buffer.concat(chunks))).on('error', reject);
  });
}

const contentTypes = '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>';
const rels = '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"/>';
// Word puts the big parts (fonts, images) before the document part; the type must still be found.
const filler = Buffer.alloc(64 * 1024, 7);

export const docx = () =>
  zip([['[Content_Types].xml', contentTypes], ['_rels/.rels', rels], ['word/media/image1.png', filler], ['word/document.xml', '<w:document/>']]);
export const docm = () =>
  zip([['[Content_Types].xml', contentTypes], ['_rels/.rels', rels], ['word/document.xml', '<w:document/>'], ['word/vbaProject.bin', filler]]);
export const xlsx = () => zip([['[Content_Types].xml', contentTypes], ['_rels/.rels', rels], ['xl/workbook.xml', '<workbook/>']]);
export const odt = () =>
  zip([['mimetype', 'application/vnd.oasis.opendocument.text', true], ['content.xml', '<office:document-content/>'], ['META-INF/manifest.xml', '<manifest/>']]);
export const ods = () =>
  zip([['mimetype', 'application/vnd.oasis.opendocument.spreadsheet', true], ['content.xml', '<office:document-content/>']]);
/** An ordinary archive: a zip, but no office document. */
export const plainZip = () => zip([['notes.txt', 'a'], ['more/notes.txt', 'b']]);
