import PDFDocument from 'pdfkit';
import type { Deps } from '../../../src/deps';

/** A one-page PDF signed PAdES-B-T by the service's own signing domain (dev PKI and TSA). */
export async function signedPdf(deps: Deps, text: string): Promise<Buffer> {
  const doc = new PDFDocument({ pdfVersion: '1.7' });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const ended = new Promise<void>((resolve) => doc.on('end', resolve));
  doc.text(text);
  doc.end();
  await ended;
  return (await deps.signing.signPdf(Buffer.concat(chunks))).pdf;
}
