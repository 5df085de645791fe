/**
 * One error type for the whole service. Domain code throws `AppError` with a code; only the HTTP
 * layer turns a code into a status, through `statusOf`.
 */

/** Every error code the service answers with, and the HTTP status it maps to. */
export const errorStatus = {
  VALIDATION_FAILED: 400,
  INVALID_JSON: 400,
  GROUND_NOT_ALLOWED: 400,
  UNKNOWN_RECIPIENT: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  CSRF_FAILED: 403,
  NOT_FOUND: 404,
  CASE_NOT_FOUND: 404,
  LETTER_NOT_FOUND: 404,
  ATTACHMENT_NOT_FOUND: 404,
  INSTITUTION_NOT_FOUND: 404,
  USER_NOT_FOUND: 404,
  API_KEY_NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  CONFLICT: 409,
  WRONG_STATE: 409,
  ALREADY_EXISTS: 409,
  IDEMPOTENCY_KEY_REUSED: 409,
  IDEMPOTENCY_IN_PROGRESS: 409,
  SAME_PERSON: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  UNPROCESSABLE: 422,
  RATE_LIMITED: 429,
  INTERNAL: 500,
  DEPENDENCY_UNAVAILABLE: 503,
  DATABASE_UNAVAILABLE: 503,
  TSA_UNAVAILABLE: 503,
  MAIL_UNAVAILABLE: 503,
  REQUEST_TIMEOUT: 503,
} as const;

export type ErrorCode = keyof typeof errorStatus;

/** One invalid field: `path` is the JSON path of the field (`child.birthDate`, `actionsTaken[1].date`). */
export interface ErrorDetail {
  path: string;
  message: string;
}

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: ErrorDetail[],
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'AppError';
  }
}

export function statusOf(code: ErrorCode): number {
  return errorStatus[code];
}

export function isAppError(err: unknown, code?: ErrorCode): err is AppError {
  return err instanceof AppError && (code === undefined || err.code === code);
}

/** Renders a zod-style issue path (`['actionsTaken', 1, 'date']`) as `actionsTaken[1].date`. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out || '(body)';
}
