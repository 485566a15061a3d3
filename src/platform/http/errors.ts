import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, HTTP_STATUS, translateDatabaseError } from '../errors.js';
import { errorPage, formExpiredPage } from '../views/error-page.js';
import { InvalidInput, TooManyRequests } from './http-errors.js';

/**
 * One place maps errors to HTTP: named domain errors by their code, framework errors (body too large, wrong
 * content type, bad JSON) by their 4xx status, database outages to 503, everything else to 500.
 * Users never see a stack trace; 5xx errors are logged with the request id.
 */

/** The agency API's error messages (agency-compatible case status API and OAuth). */
export const AGENCY_MESSAGES: Record<number, string> = {
  400: 'The request was not formatted correctly. Please check the request and try again.',
  401: 'Invalid Access Token',
  403: 'Access to this resource is not allowed.',
  404: 'The requested resource was not found.',
  405: 'Method Not Allowed',
  413: 'The request body is too large.',
  415: 'Unsupported Media Type',
  422: 'The request could not be processed.',
  429: 'Spike Arrest Violation. Too many requests: retry after the number of seconds in the Retry-After header.',
  500: 'An unexpected error occurred. Please try again later.',
  503: 'The Case Status API is unavailable at this time. Please retry your API request later.',
};

/** A 503 of the processing-times API names that API (the case status API's text names its own). */
const PROCESSING_TIMES_UNAVAILABLE =
  'The Processing Times API is unavailable at this time. Please retry your API request later.';

export function sendAgencyError(reply: FastifyReply, status: number, message?: string): FastifyReply {
  return reply
    .code(status)
    .type('application/json; charset=utf-8')
    .send(
      JSON.stringify({ code: status, message: message ?? AGENCY_MESSAGES[status] ?? AGENCY_MESSAGES[500] }, null, 2),
    );
}

function wantsAgencyJson(request: FastifyRequest): boolean {
  if (request.routeOptions.config?.api === 'agency') return true;
  const path = request.url.split('?')[0] ?? '';
  return (
    path.startsWith('/oauth/') ||
    path.startsWith('/api/') ||
    path.startsWith('/hooks/') ||
    (path.startsWith('/case-status/') && Boolean(request.headers.authorization))
  );
}

export function statusOf(error: unknown): number {
  const domain = translateDatabaseError(error);
  if (domain) return HTTP_STATUS[domain.code];
  const e = error as FastifyError;
  if (typeof e?.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) return e.statusCode;
  return 500;
}

/** Fields whose values are never shown back on the "form expired" page: secrets, codes and the form's own tokens. */
const SECRET_FIELD =
  /pass|code|otp|secret|token|csrf|submission|answer|recovery|response|challenge|key|pin|^a_number$|ssn/i;

/** A CSRF refusal of a page form: the token is missing or no longer fits (@fastify/csrf-protection's codes). */
function isExpiredForm(error: unknown, request: FastifyRequest): boolean {
  const code = (error as FastifyError)?.code ?? '';
  return code.startsWith('FST_CSRF_') && request.method === 'POST';
}

/** Where the form can be had again: the page it was sent from (this site's only), or the address it was sent to. */
function formAddress(request: FastifyRequest): string {
  const referer = request.headers.referer;
  if (referer) {
    try {
      const from = new URL(referer);
      // A path starting with // would be read by the browser as another host's address.
      if (from.host === request.headers.host && from.pathname.startsWith('/') && !from.pathname.startsWith('//'))
        return from.pathname + from.search;
    } catch {
      // Not an address: the form's own address below.
    }
  }
  return request.url.split('?')[0] ?? '/';
}

/** What was typed in a form, for the person to copy back: text fields only, without secrets. */
function typedValues(body: unknown): { field: string; value: string }[] {
  if (!body || typeof body !== 'object') return [];
  return Object.entries(body as Record<string, unknown>)
    .filter(([field, value]) => !SECRET_FIELD.test(field) && typeof value === 'string' && value.trim() !== '')
    .slice(0, 20)
    .map(([field, value]) => ({
      field: field.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase()),
      value: (value as string).slice(0, 5000),
    }));
}

export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error, request, reply) => {
    const status = statusOf(error);
    if (status >= 500) request.log.error({ err: error }, 'request failed');
    else
      request.log.info(
        { code: (error as FastifyError).code ?? (error as DomainError).code, status },
        'request refused',
      );
    if (status === 429) {
      const retry = error instanceof TooManyRequests ? String(error.retryAfterSeconds) : reply.getHeader('retry-after');
      reply.header('retry-after', retry || '60');
    }
    if (status === 503) reply.header('retry-after', '30');
    // An error may carry a message meant for API clients (e.g. which line of a batch is not JSON).
    if (wantsAgencyJson(request))
      return sendAgencyError(
        reply,
        status,
        status < 500
          ? (error as { publicMessage?: string }).publicMessage
          : status === 503 && request.url.startsWith('/processing-times/api/')
            ? PROCESSING_TIMES_UNAVAILABLE
            : undefined,
      );
    if (isExpiredForm(error, request))
      return reply.html(
        formExpiredPage(request.page(), { formHref: formAddress(request), typed: typedValues(request.body) }),
        status,
      );
    const fields =
      error instanceof InvalidInput
        ? [...new Set(error.problems.map((p) => p.where.split('.').slice(1).join('.') || p.where))]
        : [];
    return reply.html(errorPage(request.page(), status, request.id, fields), status);
  });

  app.setNotFoundHandler((request, reply) => {
    if (wantsAgencyJson(request)) return sendAgencyError(reply, 404);
    return reply.html(errorPage(request.page(), 404), 404);
  });
}
