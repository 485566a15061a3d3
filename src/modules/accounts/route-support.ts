import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { formatDate } from '../../platform/format.js';
import { fields, text } from '../../platform/http/inputs.js';
import { SESSION_IDLE_MS } from '../../platform/http/page-context.js';
import type { RouteLimit } from '../../platform/http/policies.js';
import type { SignedIn } from '../../platform/views/frame.js';
import { linkInvalidPage } from '../../platform/views/frame.js';
import type { SafeHtml } from '../../platform/views/html.js';

/** What the route files of every accounts journey share: field kinds, the address limit, link pages. */

/**
 * A text field read whole, as these forms always read it: a password (checkPassword says when it is too long, and
 * the confirmation is compared with all of it), or an email that emailSchema checks (at most 254 characters).
 */
export const whole = () => text(Number.POSITIVE_INFINITY);

/**
 * A field passed on as it was sent (a string, a list, or nothing), for the readers that check it themselves:
 * `next` (safeAccountNext) and a number read with Number().
 */
export const asSent = () => z.unknown().optional();

/** The single-use token of an emailed link: the query of the page it opens, and the form that page posts. */
export const linkToken = fields({ token: text(200) });

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const uuidOrUndefined = (value: string) => (UUID.test(value) ? value : undefined);

/** A per-address limiter (a route's `config.limit`): seconds to wait when over the limit. */
export type AddressLimit = RouteLimit;

export function timeOf(date: Date, lang: 'en' | 'es', timeZone: string): string {
  return formatDate(date, lang, timeZone, 'time');
}
/** The frame of a signed-in page (the idle warning's timing). */
export const signedInView = (csrf: string): SignedIn => ({ csrf, idleSeconds: SESSION_IDLE_MS / 1000 });

/**
 * The page a link from an email opens: a form that carries the single-use token, or 410 when the link is spent
 * or expired (`invalid` says what to do then). Only the form's POST uses the token, so mail scanners that open
 * links cannot spend it. Its route declares `linkToken`. Used by sign-up, password reset and the settings' address changes (profile/).
 */
export const linkLanding =
  (
    usable: (token: string) => Promise<boolean>,
    render: (ctx: ReturnType<FastifyRequest['page']>, p: { csrf: string; token: string }) => SafeHtml,
    invalid: (ctx: ReturnType<FastifyRequest['page']>) => SafeHtml = linkInvalidPage,
  ) =>
  async (request: FastifyRequest<{ Querystring: { token: string } }>, reply: FastifyReply) => {
    const { token } = request.query;
    if (!token || !(await usable(token))) return reply.html(invalid(request.page()), 410);
    reply.header('referrer-policy', 'no-referrer');
    return reply.html(render(request.page(), { csrf: reply.generateCsrf(), token }));
  };
