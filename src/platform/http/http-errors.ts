/**
 * Named HTTP errors: what a route (or a hook) throws when it answers with a 4xx status before any service is
 * asked. Services throw `DomainError` (src/platform/errors.ts) instead; both end in the one error handler
 * (errors.ts), which answers pages in the visitor's language or the agency API's JSON shape.
 */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    /** For operators and logs. */
    message: string,
    /** Shown to API clients in the agency's `message` field (never to page visitors, who get the page). */
    readonly publicMessage?: string,
    /** A stable code for logs and tests. */
    readonly code: string = `CASEDESK_HTTP_${statusCode}`,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export class BadRequest extends HttpError {
  constructor(message: string, publicMessage?: string, code = 'CASEDESK_BAD_REQUEST') {
    super(400, message, publicMessage, code);
  }
}

export class Unauthorized extends HttpError {
  constructor(message = 'Sign in first') {
    super(401, message, undefined, 'CASEDESK_UNAUTHORIZED');
  }
}

export class Forbidden extends HttpError {
  constructor(message: string) {
    super(403, message, undefined, 'CASEDESK_FORBIDDEN');
  }
}

export class UnsupportedMediaType extends HttpError {
  constructor(message: string) {
    // Fastify's own code for the same answer, so logs read the same whoever refused the body.
    super(415, message, undefined, 'FST_ERR_CTP_INVALID_MEDIA_TYPE');
  }
}

/** A request over a rate limit; the answer carries `Retry-After` with the seconds to wait. */
export class TooManyRequests extends HttpError {
  constructor(
    readonly retryAfterSeconds: number,
    message = 'Too many requests from this address',
  ) {
    super(429, message, undefined, 'CASEDESK_TOO_MANY_REQUESTS');
  }
}

/** One problem of a request's input: where (`body.receipt_number`, `query.page`) and what, in words. */
export interface InputProblem {
  /** `body`, `query` or `params`, then the field's path. */
  where: string;
  message: string;
}

/** A request whose body, query or params do not fit the route's declared schema (see inputs.ts). */
export class InvalidInput extends HttpError {
  constructor(readonly problems: readonly InputProblem[]) {
    super(
      400,
      `Invalid input: ${problems.map((p) => p.where).join(', ')}`,
      problems.map((p) => `${p.where}: ${p.message}`).join('; '),
      'CASEDESK_INVALID_INPUT',
    );
  }
}
