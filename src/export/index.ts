/** Keeping what was sent: the register of letters, and the bulk export an auditor verifies offline. */
export { readRegister, registerFilterOf, encodeCursor, decodeCursor, type RegisterQuery, type RegisterPage, type RegisterContext } from './register';
export { letterHistory, historyObjectsOf, type HistoryEntry } from './letter-history';
export type { LetterView } from '../letters';
export { createdRange, isDayOrInstant, startOfLatvianDay } from './date-range';
export { prepareExport, DEFAULT_EXPORT_STATUSES, type ExportDeps, type ExportFilters, type ExportRequest, type ExportProgress, type ExportResult, type PreparedExport } from './export-archive';
export { verifyExport, type ExportVerification, type ExportVerifiers, type ExportProblem, type PdfSignatureVerifier } from './verify-export';
export type { Manifest, ManifestLetter, ManifestHead } from './manifest';
export { letterFilterSchema, statusList } from './filters';
