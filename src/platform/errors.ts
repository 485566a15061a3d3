/**
 * Named domain errors with stable ids. Services throw these (never HTTP errors); the HTTP layer maps them to
 * status codes in one place (src/platform/http/errors.ts).
 */
export type DomainErrorCode =
  'not_found' | 'invalid_input' | 'unauthenticated' | 'forbidden' | 'conflict' | 'rate_limited' | 'unavailable';

export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    /** A catalog key (or a plain message for operators) that explains the error. */
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const HTTP_STATUS: Record<DomainErrorCode, number> = {
  not_found: 404,
  invalid_input: 422,
  unauthenticated: 401,
  forbidden: 403,
  conflict: 409,
  rate_limited: 429,
  unavailable: 503,
};

/** Translates database failures into domain errors: constraint names and connection loss, in one place. */
const CONSTRAINT_ERRORS: Record<string, { code: DomainErrorCode; message: string }> = {
  cases_receipt_number_key: { code: 'conflict', message: 'errors.case_exists' },
};

const CONNECTION_ERROR_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EPIPE',
  '57P01',
  '57P02',
  '57P03',
  '53300',
  '08000',
  '08003',
  '08006',
]);

export function translateDatabaseError(error: unknown): DomainError | undefined {
  if (error instanceof DomainError) return error;
  const e = error as { code?: string; constraint?: string; message?: string } | undefined;
  if (!e || typeof e !== 'object') return undefined;
  if (e.constraint && CONSTRAINT_ERRORS[e.constraint]) {
    const mapped = CONSTRAINT_ERRORS[e.constraint]!;
    return new DomainError(mapped.code, mapped.message);
  }
  if (
    (e.code && CONNECTION_ERROR_CODES.has(e.code)) ||
    /Connection terminated|timeout exceeded when trying to connect|Cannot use a pool after calling end|PGlite is closed|Client was closed/i.test(
      e.message ?? '',
    )
  ) {
    return new DomainError('unavailable', 'errors.unavailable');
  }
  return undefined;
}
