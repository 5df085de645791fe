/**
 * Official letters: the typed template data (`LetterModel`), the municipality's Handlebars
 * templates rendered to letter markup with case data only ever as text, the layout and the
 * PDF/A-2b document (pdfkit, DejaVu), registration numbers, and the letter's lifecycle up to
 * signing (create, read, cancel).
 */
export type { LetterModel, ReferralLetterModel, ParentsNoticeModel, ModelAttachment } from './letter-model';
export { PARENTS_RECIPIENT, PARENTS_TEMPLATE } from './letter-model';
export { buildLetterModel, type LetterSource } from './build-letter-model';
export { LetterTemplates, TemplateLoadError, type TemplateRef } from './template/letter-templates';
export { loadLetterTemplates } from './load-letter-templates';
export { TemplateMarkupError } from './template/parse-markup';
export { renderLetter, type RenderedLetter } from './render-letter';
export { blocksToText, type LetterBlock } from './layout/blocks';
export { pagesToText, pageLines } from './layout/pages-to-text';
export { formatDate, dativeOfName, genderOfName } from './latvian';
export { formatRegistrationNumber, registerYear } from './registration-number';
export { toLetterView, letterViews, openedAttachments, attachmentIdsOf, letterStatuses, type LetterView, type LetterStatus, type ListedAttachment } from './letter-view';
export { createLetters, createLettersForCase, type CaseForLetters, type CreateLettersOptions } from './create-letters';
export { cancelLetter } from './cancel-letter';
export { renderDraft } from './render-draft';
export { getLetter, lettersOfCaseFor, openLetterPdf } from './read-letter';
export { signLetter, acceptSignedLetter, type SignLetterOptions } from './sign-letter';
