import type { FastifyReply, FastifyRequest } from 'fastify';
import { formatDate } from '../../platform/format.js';
import { SESSION_IDLE_MS } from '../../platform/http/page-context.js';
import type { SignedIn } from '../../platform/views/frame.js';
import { linkInvalidPage } from '../../platform/views/frame.js';
import type { SafeHtml } from '../../platform/views/html.js';

/** What the route files of every accounts journey share: reading form fields, the address limit, link pages. */

type Form = Record<string, unknown>;

/** A form or query field as a string (missing or repeated fields are empty), cut to `max` characters when given. */
export const str = (source: unknown, name: string, max?: number): string => {
  const value = (source as Form | undefined)?.[name];
  if (typeof value !== 'string') return '';
  return max === undefined ? value : value.slice(0, max);
};

/** A field as it came (a string, a list of strings, or undefined), for fields that may repeat. */
export const raw = (source: unknown, name: string): unknown => (source as Form | undefined)?.[name];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const uuidOrUndefined = (value: string) => (UUID.test(value) ? value : undefined);

/** A per-address limiter: seconds to wait when over the limit. */
export type AddressLimit = (request: FastifyRequest) => Promise<number | undefined>;

/** Over the per-address limit: answers 429 (through the one error handler) with Retry-After. */
export const tooManyFrom =
  (limit: AddressLimit) =>
  async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const wait = await limit(request);
    if (wait === undefined) return;
    reply.header('retry-after', String(wait));
    throw Object.assign(new Error('Too many requests from this address'), { statusCode: 429 });
  };

export function timeOf(date: Date, lang: 'en' | 'es', timeZone: string): string {
  return formatDate(date, lang, timeZone, 'time');
}

/** The frame of a signed-in page (the idle warning's timing). */
export const signedInView = (csrf: string): SignedIn => ({ csrf, idleSeconds: SESSION_IDLE_MS / 1000 });

/**
 * The page a link from an email opens: a form that carries the single-use token, or 410 when the link is spent
 * or expired (`invalid` says what to do then). Only the form's POST uses the token, so mail scanners that open
 * links cannot spend it. Used by sign-up, password reset and the settings' address changes (profile/).
 */
export const linkLanding =
  (
    usable: (token: string) => Promise<boolean>,
    render: (ctx: ReturnType<FastifyRequest['page']>, p: { csrf: string; token: string }) => SafeHtml,
    invalid: (ctx: ReturnType<FastifyRequest['page']>) => SafeHtml = linkInvalidPage,
  ) =>
  async (request: FastifyRequest, reply: FastifyReply) => {
    const token = str(request.query, 'token').slice(0, 200);
    if (!token || !(await usable(token))) return reply.html(invalid(request.page()), 410);
    reply.header('referrer-policy', 'no-referrer');
    return reply.html(render(request.page(), { csrf: reply.generateCsrf(), token }));
  };
