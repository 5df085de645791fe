import { createHash } from 'node:crypto';
import { blocksToText, type LetterBlock } from './layout/blocks';
import type { LaidOutPage } from './layout/paginate';
import { renderPdf } from './layout/render-pdf';
import type { LetterModel } from './letter-model';
import type { LetterTemplates, TemplateRef } from './template/letter-templates';

/** A rendered letter: the PDF, what made it, and its text. */
export interface RenderedLetter {
  pdf: Buffer;
  sha256: string;
  size: number;
  template: TemplateRef;
  /** The letter's title ("Par …"), also the PDF's Title. */
  title: string;
  /** The letter's text block by block, as copying it out of the PDF should give it (page numbers aside). */
  text: string;
  blocks: LetterBlock[];
  pages: LaidOutPage[];
}

/**
 * Renders one letter: the template to blocks, the blocks to a PDF/A document. Pure: the same
 * templates and model give the same bytes (times in the file come from `model.createdAt`).
 */
export async function renderLetter(templates: LetterTemplates, templateId: string, model: LetterModel): Promise<RenderedLetter> {
  const { blocks, template } = templates.render(templateId, model);
  const title = blocks.find((b): b is Extract<LetterBlock, { type: 'title' }> => b.type === 'title')?.text ?? 'Vēstule';
  const { pdf, pages } = await renderPdf(blocks, {
    title,
    author: model.institution.name,
    subject: `Nr. ${model.registrationNumber}: ${model.recipient.name}`,
    createdAt: new Date(model.createdAt),
  });
  return {
    pdf,
    sha256: createHash('sha256').update(pdf).digest('hex'),
    size: pdf.length,
    template,
    title,
    text: blocksToText(blocks),
    blocks,
    pages,
  };
}
