import { incrementalUpdate, type UpdateObject } from '../pdf/incremental-update';
import { PdfDict, PdfRef, PdfString, isName, name, serialize, type PdfObject } from '../pdf/objects';
import type { PdfFile } from '../pdf/pdf-file';
import { PdfSyntaxError } from '../pdf/parser';
import { pdfDate, readTextString, textString } from '../pdf/text';

export interface SignatureFieldOptions {
  /** Bytes reserved for the CMS (the hex string is twice as long). */
  contentsBytes: number;
  /** The claimed signing time, written as /M. */
  signingTime: Date;
  reason?: string;
  location?: string;
  contactInfo?: string;
}

export interface PreparedPdf {
  /** The original bytes, then the update with the ByteRange filled in and /Contents all zeros. */
  pdf: Buffer;
  byteRange: [number, number, number, number];
  fieldName: string;
}

const BYTE_RANGE_SLOT = 48;

/**
 * Adds an invisible signature field to any PDF as an incremental update: the signature
 * dictionary (PAdES: /Adobe.PPKLite, /ETSI.CAdES.detached, /M), a widget on the first page
 * merged with its field, and the AcroForm with /SigFlags 3. The /ByteRange covers everything
 * except exactly the /Contents hex string, delimiters included.
 */
export function prepareSignature(file: PdfFile, opts: SignatureFieldOptions): PreparedPdf {
  if (file.trailer.get('Encrypt') !== undefined) {
    throw new PdfSyntaxError('the PDF is encrypted; decrypt it before signing', 0);
  }
  let next = file.size;
  const sigNum = next++;
  const fieldNum = next++;
  const objects: UpdateObject[] = [];
  const rewrite = (ref: PdfRef, value: PdfObject) => objects.push({ num: ref.num, gen: ref.gen, body: serialize(value) });

  const catalog = file.catalog.clone();
  const { pageRef, page } = firstPage(file);

  // The widget goes in the page's /Annots (a new page version, or a new version of its array).
  const annots = page.get('Annots');
  const fieldRef = new PdfRef(fieldNum, 0);
  if (annots instanceof PdfRef) {
    const arr = file.resolve(annots);
    rewrite(annots, [...(Array.isArray(arr) ? arr : []), fieldRef]);
  } else {
    rewrite(pageRef, page.clone().set('Annots', [...(Array.isArray(annots) ? annots : []), fieldRef]));
  }

  // The field joins the AcroForm's /Fields; /SigFlags 3: signatures exist, change by appending only.
  const acroObj = catalog.get('AcroForm');
  const acroForm = file.dict(acroObj)?.clone() ?? new PdfDict();
  const fieldName = uniqueFieldName(file, acroForm.get('Fields'));
  const fields = acroForm.get('Fields');
  if (fields instanceof PdfRef) {
    const arr = file.resolve(fields);
    rewrite(fields, [...(Array.isArray(arr) ? arr : []), fieldRef]);
  } else {
    acroForm.set('Fields', [...(Array.isArray(fields) ? fields : []), fieldRef]);
  }
  const flags = acroForm.get('SigFlags');
  acroForm.set('SigFlags', (typeof flags === 'number' ? flags : 0) | 3);
  if (acroObj instanceof PdfRef) {
    rewrite(acroObj, acroForm);
  } else {
    catalog.set('AcroForm', acroForm);
    rewrite(file.catalogRef, catalog);
  }

  // F 132 = Print + Locked; a zero Rect keeps it invisible and needs no appearance (PDF/A-2 6.3.3).
  const field = new PdfDict()
    .set('Type', name('Annot'))
    .set('Subtype', name('Widget'))
    .set('FT', name('Sig'))
    .set('T', textString(fieldName))
    .set('V', new PdfRef(sigNum, 0))
    .set('F', 132)
    .set('Rect', [0, 0, 0, 0])
    .set('P', pageRef);
  objects.push({ num: fieldNum, gen: 0, body: serialize(field) });

  const sig = new PdfDict()
    .set('Type', name('Sig'))
    .set('Filter', name('Adobe.PPKLite'))
    .set('SubFilter', name('ETSI.CAdES.detached'))
    .set('M', textString(pdfDate(opts.signingTime)));
  if (opts.reason) sig.set('Reason', textString(opts.reason));
  if (opts.location) sig.set('Location', textString(opts.location));
  if (opts.contactInfo) sig.set('ContactInfo', textString(opts.contactInfo));
  const rest = serialize(sig).slice(2, -2);
  const placeholder = `<${'0'.repeat(opts.contentsBytes * 2)}>`;
  const sigBody = `<<${rest}/ByteRange ${' '.repeat(BYTE_RANGE_SLOT)}/Contents ${placeholder}>>`;
  objects.push({ num: sigNum, gen: 0, body: sigBody });

  const update = incrementalUpdate(file, objects, next);
  const pdf = Buffer.concat([file.buf, update.bytes]);
  const bodyAt = update.bodyOffsets.get(sigNum)!;
  const rangeAt = bodyAt + sigBody.indexOf('/ByteRange ') + '/ByteRange '.length;
  const contentsStart = bodyAt + sigBody.indexOf('/Contents <') + '/Contents '.length;
  const contentsEnd = contentsStart + placeholder.length;
  const byteRange: [number, number, number, number] = [0, contentsStart, contentsEnd, pdf.length - contentsEnd];
  const rangeText = `[${byteRange.join(' ')}]`.padEnd(BYTE_RANGE_SLOT, ' ');
  pdf.write(rangeText, rangeAt, 'latin1');
  return { pdf, byteRange, fieldName };
}

function firstPage(file: PdfFile): { pageRef: PdfRef; page: PdfDict } {
  let node: PdfObject | undefined = file.catalog.get('Pages');
  for (let depth = 0; depth < 64; depth++) {
    const dict = file.dict(node);
    if (!(node instanceof PdfRef) || !dict) break;
    if (isName(dict.get('Type'), 'Page') || !dict.has('Kids')) return { pageRef: node, page: dict };
    const kids = file.resolve(dict.get('Kids'));
    if (!Array.isArray(kids) || kids.length === 0) break;
    node = kids[0];
  }
  throw new PdfSyntaxError('the PDF has no pages to attach a signature field to', 0);
}

function uniqueFieldName(file: PdfFile, fields: PdfObject | undefined): string {
  const taken = new Set<string>();
  const list = file.resolve(fields);
  for (const f of Array.isArray(list) ? list : []) {
    const t = file.dict(f)?.get('T');
    if (t instanceof PdfString) taken.add(readTextString(t));
  }
  let i = 1;
  while (taken.has(`Signature${i}`)) i++;
  return `Signature${i}`;
}
