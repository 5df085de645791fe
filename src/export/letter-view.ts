import { attachmentIdsOf, toLetterView, type LetterView } from '../letters';
import type { AttachmentRow, DataSealer, LetterRow } from '../store';

// The letter view is the letters domain's (`toLetterView`); the register and export keep this name for it.
export { attachmentIdsOf, type LetterView };

/** A stored letter as CONTRACT shows it; material file names are sealed at rest, `sealer` opens them. */
export function letterViewOf(row: LetterRow, attachments: ReadonlyMap<string, AttachmentRow>, sealer: DataSealer): LetterView {
  return toLetterView(row, new Map([...attachments].map(([id, a]) => [id, { ...a, filename: sealer.open(a.filename) }])));
}
