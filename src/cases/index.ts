/**
 * Cases in: the case schema, the municipality's referral scheme, routing and its warnings, and
 * the work materials attached to a case.
 */
export { actionStages, informMethods, caseSchema, type ActionStage, type InformMethod, type Case, type CaseInput, type CaseSchema } from './case-schema';
export { checkPersonalCode, type PersonalCodeCheck } from './personal-code';
export { isCalendarDate, todayInLatvia } from './calendar-date';
export { latvianInput, countLv } from './latvian-messages';
export { loadScheme, parseScheme, SchemeError, SCHEME_FILE } from './scheme/load-scheme';
export { schemeFileSchema, type SchemeFile } from './scheme/scheme-file';
export type { Scheme, SchemeRecipient, SchemeGround, RoutingRule, Precondition } from './scheme/scheme';
export { routeCase, type Routing, type RoutedRecipient, type RoutingReason } from './route-case';
export { checkPreconditions, type CaseWarning } from './check-preconditions';
export { parseCase, prepareCase, caseSchemaFor, type PreparedCase } from './parse-case';
export { childNameHasher, normaliseChildName } from './child-name-hash';
export { createCase, routeCaseFor, type CreatedCase, type StoredRouting, type WriteOptions } from './create-case';
export { readCase, findCaseRecord, listCaseAttachments, downloadAttachment, type CaseRecord, type StoredAttachment } from './read-case';
export {
  AttachmentUpload, addAttachments, startAttachmentUpload, newCaseUpload, type AttachmentInfo,
} from './attachments/attachment-upload';
export { allowedTypes, type AllowedType } from './attachments/allowed-types';
export { sanitizeFilename } from './attachments/filename';
