/**
 * True when `signed` begins with exactly the bytes of `draft` and adds more after: how a
 * signature made elsewhere (a card reader, a national portal) must relate to Sūtne's draft.
 */
export function isUnchangedPrefix(draft: Buffer, signed: Buffer): boolean {
  return signed.length > draft.length && signed.subarray(0, draft.length).equals(draft);
}
