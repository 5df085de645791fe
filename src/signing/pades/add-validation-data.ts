import { incrementalUpdate, type UpdateObject } from '../pdf/incremental-update';
import { PdfDict, PdfRef, PdfStream, name, serialize, type PdfObject } from '../pdf/objects';
import type { PdfFile } from '../pdf/pdf-file';
import { decodeStream } from '../pdf/xref';

export interface ValidationData {
  /** DER certificates: the signer's and the TSA's chains. */
  certs: Buffer[];
  /** DER CRLs covering them. */
  crls: Buffer[];
}

/**
 * PAdES B-LT: appends the Document Security Store (ISO 32000-2 12.8.4.3) with the certificates
 * and revocation data a validator needs to check the signature after they expire or the CA's
 * services are gone. It is an incremental update after the signature, which the signature
 * therefore does not cover; validators (and this verifier) accept exactly such an update.
 */
export function addValidationData(file: PdfFile, data: ValidationData): Buffer {
  let next = file.size;
  const objects: UpdateObject[] = [];
  const stream = (bytes: Buffer): PdfRef => {
    const ref = new PdfRef(next++, 0);
    objects.push({ num: ref.num, gen: 0, body: `<</Length ${bytes.length}>>\nstream\n${bytes.toString('latin1')}\nendstream` });
    return ref;
  };
  const existing = file.dict(file.catalog.get('DSS'));
  const listOf = (key: string): PdfObject[] => {
    const v = file.resolve(existing?.get(key));
    return Array.isArray(v) ? v : [];
  };
  const dss = new PdfDict()
    .set('Type', name('DSS'))
    .set('Certs', [...listOf('Certs'), ...data.certs.map(stream)])
    .set('CRLs', [...listOf('CRLs'), ...data.crls.map(stream)]);
  const ocsps = listOf('OCSPs');
  if (ocsps.length) dss.set('OCSPs', ocsps);
  const dssRef = new PdfRef(next++, 0);
  objects.push({ num: dssRef.num, gen: 0, body: serialize(dss) });
  const catalog = file.catalog.clone().set('DSS', dssRef);
  objects.push({ num: file.catalogRef.num, gen: file.catalogRef.gen, body: serialize(catalog) });
  return Buffer.concat([file.buf, incrementalUpdate(file, objects, next).bytes]);
}

/** The certificates and CRLs of a document's DSS, as DER. */
export function readValidationData(file: PdfFile): ValidationData | undefined {
  const dss = file.dict(file.catalog.get('DSS'));
  if (!dss) return undefined;
  const streams = (key: string): Buffer[] => {
    const list = file.resolve(dss.get(key));
    const out: Buffer[] = [];
    for (const item of Array.isArray(list) ? list : []) {
      const s = file.resolve(item);
      if (s instanceof PdfStream) out.push(decodeStream(file.buf, s));
    }
    return out;
  };
  return { certs: streams('Certs'), crls: streams('CRLs') };
}
