import PDFDocument from 'pdfkit';
import { letterFonts, printable, type FaceName } from '../fonts';
import type { LetterBlock } from './blocks';
import { layoutBlocks, type Measurer } from './layout-blocks';
import { paginate, type LaidOutPage, type Op } from './paginate';
import { PAGE, STYLE } from './style';
import { cachedWidth, shareShapedRuns } from './shaping-cache';

/** Document information, written both to the Info dictionary and to the XMP packet (PDF/A wants them equal). */
export interface PdfMetadata {
  title: string;
  author: string;
  subject: string;
  /** Creation time written into the file; taken from the letter, never the clock, so a re-rendering is byte-identical. */
  createdAt: Date;
}

export interface RenderedPdf {
  pdf: Buffer;
  pages: LaidOutPage[];
}

const PRODUCER = 'Sūtne (PDFKit)';

/**
 * Lays out and draws blocks as a PDF/A-2b document (PDF 1.7, DejaVu Sans embedded as subsets,
 * sRGB output intent, XMP, language lv). The same blocks and metadata give the same bytes.
 */
export function renderPdf(blocks: LetterBlock[], meta: PdfMetadata): Promise<RenderedPdf> {
  const doc = newDocument(meta);
  const measure = documentMeasurer(doc);
  const pages = paginate(layoutBlocks(printableBlocks(blocks), measure), (n) => pageNumber(n, measure));
  drawPages(doc, pages);
  return finish(doc).then((pdf) => ({ pdf, pages }));
}

/**
 * A PDFKit document set up as letters need it: no built-in font (Helvetica is neither embedded
 * nor able to print Latvian), DejaVu registered from the fonts parsed once per process.
 */
export function newDocument(meta: PdfMetadata): PDFKit.PDFDocument {
  const info = {
    Title: meta.title,
    Author: meta.author,
    Subject: meta.subject,
    Creator: PRODUCER,
    Producer: PRODUCER,
    CreationDate: meta.createdAt,
  };
  const doc = new PDFDocument({
    size: 'A4',
    margin: 0,
    pdfVersion: '1.7',
    subset: 'PDF/A-2b',
    lang: 'lv',
    displayTitle: true,
    info,
    // null, not undefined: pdfkit would otherwise load Helvetica into the document.
    font: null as unknown as string,
  } as PDFKit.PDFDocumentOptions);
  escapeXmpValues(doc);
  const fonts = letterFonts();
  for (const face of Object.keys(fonts) as FaceName[]) {
    doc.registerFont(face, fonts[face] as unknown as Buffer);
    doc.font(face);
    shareShapedRuns(doc, face);
  }
  return doc;
}

/** Collects the document's bytes once it has ended. */
export function finish(doc: PDFKit.PDFDocument): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    doc.end();
  });
}

function documentMeasurer(doc: PDFKit.PDFDocument): Measurer {
  let face: FaceName | undefined;
  return (text, f, s) =>
    cachedWidth(f, text, s, () => {
      if (f !== face) {
        doc.font(f);
        face = f;
      }
      doc.fontSize(1000);
      return doc.widthOfString(text);
    });
}

function pageNumber(n: number, measure: Measurer): Op[] {
  const text = String(n);
  const { face, size } = STYLE.pageNumber;
  return [{ kind: 'text', x: (PAGE.width - measure(text, face, size)) / 2, y: PAGE.numberTop, face, size, text }];
}

function drawPages(doc: PDFKit.PDFDocument, pages: LaidOutPage[]): void {
  let face: FaceName | undefined;
  let size = 0;
  for (const page of pages) {
    if (page.number > 1) doc.addPage();
    for (const op of page.ops) {
      switch (op.kind) {
        case 'text':
          if (op.face !== face) doc.font((face = op.face));
          if (op.size !== size) doc.fontSize((size = op.size));
          doc.text(op.text, op.x, op.y, { lineBreak: false });
          break;
        case 'line':
          doc.lineWidth(op.width).moveTo(op.x1, op.y1).lineTo(op.x2, op.y2).stroke('black');
          break;
        case 'fill':
          doc.rect(op.x, op.y, op.w, op.h).fill(op.rgb);
          doc.fillColor('black');
          break;
      }
    }
  }
}

/** Every string as the font can print it (see `printable`). */
function printableBlocks(blocks: LetterBlock[]): LetterBlock[] {
  return JSON.parse(JSON.stringify(blocks), (_k, v: unknown) => (typeof v === 'string' ? printable(v) : v)) as LetterBlock[];
}

const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };

/**
 * PDFKit writes Title, Author and Subject into the XMP packet without escaping them, so an
 * institution named "A & B" would make the packet invalid XML (and the file not PDF/A). The
 * Info dictionary must keep the plain values; only the XMP step sees escaped ones.
 */
function escapeXmpValues(doc: PDFKit.PDFDocument): void {
  const d = doc as unknown as { info: Record<string, unknown>; _addInfo: () => void };
  const addInfo = d._addInfo;
  d._addInfo = function (this: typeof d) {
    const plain = this.info;
    this.info = Object.fromEntries(
      Object.entries(plain).map(([k, v]) => [k, typeof v === 'string' ? v.replace(/[&<>]/g, (c) => XML_ESCAPES[c]!) : v]),
    );
    try {
      addInfo.call(this);
    } finally {
      this.info = plain;
    }
  };
}
