/** Keeping what was sent: the register of letters, and the bulk export an auditor verifies offline. */
export { readRegister, registerFilterOf, encodeCursor, decodeCursor, type RegisterQuery, type RegisterPage, type RegisterContext } from './register';
export { letterHistory, historyObjectsOf, type HistoryEntry } from './letter-history';
export { letterViewOf, type LetterView } from './letter-view';
export { createdRange, isDayOrInstant, startOfLatvianDay } from './date-range';
