import type { ColumnType, Insertable, Selectable, Updateable } from 'kysely';

/*
 * Row types of every table, shared by both dialects. Conventions that keep SQLite and PostgreSQL
 * alike: times are ISO-8601 UTC strings (they sort as text), JSON is text, booleans are 0/1.
 */

export interface InstitutionsTable {
  id: string;
  kind: string;
  name: string;
  reg_no: string;
  address: string;
  email: string;
  phone: string | null;
  register_prefix: string;
  /** JSON: InstitutionSettings. */
  settings: string;
  created_at: string;
}

export interface ApiKeysTable {
  id: string;
  institution_id: string;
  role: string;
  name: string | null;
  /** SHA-256 (hex) of the whole key; the key itself is never stored. */
  key_hash: string;
  /** The first characters of the key, to tell keys apart in lists. */
  key_prefix: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

export interface UsersTable {
  id: string;
  institution_id: string;
  email: string;
  role: string;
  display_name: string | null;
  password_hash: string;
  failed_logins: ColumnType<number, number | undefined, number>;
  locked_until: string | null;
  last_login_at: string | null;
  created_at: string;
  disabled_at: string | null;
}

export interface SessionsTable {
  /** SHA-256 (hex) of the session token held in the cookie. */
  id: string;
  user_id: string;
  institution_id: string;
  csrf_token: string;
  created_at: string;
  expires_at: string;
  last_seen_at: string;
  revoked_at: string | null;
}

export interface IdempotencyKeysTable {
  institution_id: string;
  key: string;
  /** Method and path the key was first used with. */
  scope: string;
  request_hash: string;
  /** null while the first call is still running. */
  status: number | null;
  response: string | null;
  created_at: string;
}

export interface CasesTable {
  id: string;
  institution_id: string;
  external_reference: string | null;
  /** The case JSON; an encryption envelope when encryption at rest is on. */
  data: string;
  /** Keyed hash of the child's normalised name, so the register can be searched without decrypting. */
  child_name_hash: string | null;
  /** The routing decided at creation (recipients, rules, scheme version, warnings); sealed like `data`. */
  routing: ColumnType<string, string | undefined, string>;
  created_by: string;
  created_at: string;
  /** Set when retention removed the case data; the row stays for the register. */
  purged_at: string | null;
}

export interface AttachmentsTable {
  id: string;
  case_id: string;
  institution_id: string;
  filename: string;
  content_type: string;
  size: number;
  /** SHA-256 of the file as uploaded. */
  sha256: string;
  /** Address of the stored bytes in the blob store (differs from sha256 when encrypted). */
  blob_key: string;
  /** Order within the case, from 1. */
  position: ColumnType<number, number | undefined, number>;
  created_by: string;
  created_at: string;
  purged_at: string | null;
}

export interface LettersTable {
  id: string;
  institution_id: string;
  case_id: string;
  recipient_key: string;
  /** JSON: { key, name, dative, emails }. */
  recipient: string;
  /** JSON: string[]. */
  grounds: string;
  /** JSON: attachment ids listed in the letter, in order. */
  attachment_ids: string;
  registration_number: string;
  reg_year: number;
  reg_seq: number;
  status: string;
  template_id: string;
  template_version: string;
  /** The current PDF: the draft, or the signed letter once signed. */
  pdf_key: string;
  pdf_sha256: string;
  pdf_size: number;
  /** The unsigned draft, kept after signing so an external signature can be checked against it. */
  draft_sha256: string;
  created_by: string;
  created_at: string;
  updated_at: string;
  signed_at: string | null;
  signed_by: string | null;
  /** JSON: { genTime, tsa }. */
  timestamp: string | null;
  queued_at: string | null;
  message_id: string | null;
  attempts: ColumnType<number, number | undefined, number>;
  next_attempt_at: string | null;
  /** Lease: a worker owns a `sending` letter until this time. */
  locked_until: string | null;
  last_error: string | null;
  smtp_response: string | null;
  eml_key: string | null;
  eml_sha256: string | null;
  transport: string | null;
  sent_at: string | null;
  /** JSON: { from, to: string[], accepted: string[] } — the SMTP envelope fixed at queueing. */
  mail_envelope: ColumnType<string | null, string | null | undefined, string | null>;
  /** The worker holding the `sending` lease (see `locked_until`). */
  lease_owner: ColumnType<string | null, string | null | undefined, string | null>;
  cancelled_at: string | null;
  cancel_reason: string | null;
  /** Set when retention deleted the letter's PDF and message; the register columns and hashes stay. */
  purged_at: ColumnType<string | null, string | null | undefined, string | null>;
  /** The letter's title ("Par …"), sealed; the outgoing message's subject repeats it. */
  title: ColumnType<string | null, string | null | undefined, string | null>;
  /** How the letter was signed: `sutne` (by this service) or `upload` (signed elsewhere, then uploaded). */
  signed_via: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface RegisterCountersTable {
  institution_id: string;
  year: number;
  last_seq: number;
}

export interface AuditLogTable {
  institution_id: string;
  /** Position in the institution's chain, from 1. */
  n: number;
  at: string;
  actor: string;
  action: string;
  object_type: string | null;
  object_id: string | null;
  request_id: string | null;
  /** JSON of non-personal details (ids, counts, codes). */
  details: string;
  prev_hash: string;
  hash: string;
}

export interface AuditHeadsTable {
  institution_id: string;
  n: number;
  hash: string;
}

export interface AuditAnchorsTable {
  id: string;
  institution_id: string;
  n: number;
  head_hash: string;
  /** DER of the RFC 3161 token, base64. */
  token: string;
  gen_time: string;
  tsa: string;
  created_at: string;
}

export interface ExportsTable {
  id: string;
  institution_id: string;
  /** Actor string, as in the audit log. */
  created_by: string;
  /** JSON: the filters the export was made with (dates, codes; no names). */
  filters: string;
  state: 'running' | 'done' | 'failed';
  letters_total: number;
  letters_done: ColumnType<number, number | undefined, number>;
  bytes_written: ColumnType<number, number | undefined, number>;
  /** Position of its `export.created` entry in the institution's audit chain. */
  audit_n: number | null;
  /** The audit anchor (TSA time-stamp of the chain head) made for this export. */
  anchor_id: string | null;
  /** SHA-256 of the whole archive as sent, once done. */
  sha256: string | null;
  error_code: string | null;
  created_at: string;
  updated_at: string;
  finished_at: string | null;
}

export interface Database {
  institutions: InstitutionsTable;
  api_keys: ApiKeysTable;
  users: UsersTable;
  sessions: SessionsTable;
  idempotency_keys: IdempotencyKeysTable;
  cases: CasesTable;
  attachments: AttachmentsTable;
  letters: LettersTable;
  register_counters: RegisterCountersTable;
  audit_log: AuditLogTable;
  audit_heads: AuditHeadsTable;
  audit_anchors: AuditAnchorsTable;
  exports: ExportsTable;
}

export type InstitutionRow = Selectable<InstitutionsTable>;
export type ApiKeyRow = Selectable<ApiKeysTable>;
export type UserRow = Selectable<UsersTable>;
export type SessionRow = Selectable<SessionsTable>;
export type CaseRow = Selectable<CasesTable>;
export type AttachmentRow = Selectable<AttachmentsTable>;
export type LetterRow = Selectable<LettersTable>;
export type NewLetterRow = Insertable<LettersTable>;
export type LetterUpdate = Updateable<LettersTable>;
export type AuditRow = Selectable<AuditLogTable>;
export type AuditAnchorRow = Selectable<AuditAnchorsTable>;
export type ExportRow = Selectable<ExportsTable>;
