/**
 * The kinds of work materials a case may carry. Types are judged by content, never by the name
 * or the declared type; anything else (executables, archives, macro documents, …) is refused.
 */
export const allowedTypes = {
  pdf: { mime: 'application/pdf', extensions: ['pdf'], label: 'PDF' },
  png: { mime: 'image/png', extensions: ['png'], label: 'PNG attēls' },
  jpeg: { mime: 'image/jpeg', extensions: ['jpg', 'jpeg'], label: 'JPEG attēls' },
  docx: { mime: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', extensions: ['docx'], label: 'Word dokuments (DOCX)' },
  xlsx: { mime: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', extensions: ['xlsx'], label: 'Excel tabula (XLSX)' },
  odt: { mime: 'application/vnd.oasis.opendocument.text', extensions: ['odt'], label: 'OpenDocument teksts (ODT)' },
  ods: { mime: 'application/vnd.oasis.opendocument.spreadsheet', extensions: ['ods'], label: 'OpenDocument tabula (ODS)' },
  txt: { mime: 'text/plain', extensions: ['txt'], label: 'teksts (UTF-8)' },
} as const;

export type AllowedType = keyof typeof allowedTypes;

/** All allowed extensions, for adjusting a name that claims another type. */
export const allowedExtensions: ReadonlySet<string> = new Set(Object.values(allowedTypes).flatMap((t) => t.extensions));

/** "PDF, PNG attēls, …": what a clerk may upload, for refusals. */
export const allowedList = Object.values(allowedTypes).map((t) => t.label).join(', ');
