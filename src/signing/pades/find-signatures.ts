import { PdfDict, PdfRef, PdfString, isName, type PdfObject } from '../pdf/objects';
import type { PdfFile } from '../pdf/pdf-file';
import { readTextString } from '../pdf/text';

/** A signature dictionary found through the AcroForm, as stored in the file's current revision. */
export interface FoundSignature {
  fieldName: string;
  dict: PdfDict;
  /** 'Sig' for a signature, 'DocTimeStamp' for a document time-stamp (PAdES B-LTA). */
  type: 'Sig' | 'DocTimeStamp';
  subFilter: string | undefined;
  byteRange: number[] | undefined;
  contents: PdfString | undefined;
}

/** Every signed signature field of the document, in the order of the AcroForm's field tree. */
export function findSignatures(file: PdfFile): FoundSignature[] {
  const acroForm = file.dict(file.catalog.get('AcroForm'));
  const out: FoundSignature[] = [];
  const seen = new Set<string>();
  const visit = (node: PdfObject | undefined, parentName: string, inheritedFt: string | undefined, depth: number): void => {
    if (depth > 32) return;
    if (node instanceof PdfRef) {
      if (seen.has(node.key)) return;
      seen.add(node.key);
    }
    const field = file.dict(node);
    if (!field) return;
    const t = field.get('T');
    const partial = t instanceof PdfString ? readTextString(t) : '';
    const fullName = parentName && partial ? `${parentName}.${partial}` : parentName || partial;
    const ftObj = field.get('FT');
    const ft = isName(ftObj) ? ftObj.name : inheritedFt;
    const kids = file.resolve(field.get('Kids'));
    if (Array.isArray(kids)) for (const kid of kids) visit(kid, fullName, ft, depth + 1);
    if (ft !== 'Sig') return;
    const v = file.dict(field.get('V'));
    if (!v) return;
    const typeObj = v.get('Type');
    const subFilterObj = v.get('SubFilter');
    const subFilter = isName(subFilterObj) ? subFilterObj.name : undefined;
    const byteRange = file.resolve(v.get('ByteRange'));
    const contents = v.get('Contents');
    out.push({
      fieldName: fullName || '(unnamed)',
      dict: v,
      type: isName(typeObj, 'DocTimeStamp') || subFilter === 'ETSI.RFC3161' ? 'DocTimeStamp' : 'Sig',
      subFilter,
      byteRange: Array.isArray(byteRange) && byteRange.every((n) => typeof n === 'number') ? (byteRange as number[]) : undefined,
      contents: contents instanceof PdfString ? contents : undefined,
    });
  };
  const fields = file.resolve(acroForm?.get('Fields'));
  for (const f of Array.isArray(fields) ? fields : []) visit(f, '', undefined, 0);
  return out;
}
