import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { formatDate } from '../../platform/format.js';
import { fields, text, type App } from '../../platform/http/inputs.js';
import { withMinimumDuration } from '../../platform/http/timing.js';
import { SESSION_IDLE_MS } from '../../platform/http/page-context.js';
import type { RouteLimit } from '../../platform/http/policies.js';
import type { SignedIn } from '../../platform/views/frame.js';
import { linkInvalidPage } from '../../platform/views/frame.js';
import type { SafeHtml } from '../../platform/views/html.js';
import type { PageContext } from '../../platform/views/layout.js';
import { emailSchema, type AccountService } from './service.js';
import type { SessionStore } from './sign-in/sessions.js';
import { linkRequestPage, linkSentPage, type LinkRequest } from './views/pages.js';

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

/** What the journeys before a full sign-in need (sign-up, recovery). */
export interface PublicRoutesDeps {
  accounts: AccountService;
  sessions: SessionStore;
  /** Per-address limiter for their posts: seconds to wait when over the limit. */
  limit: AddressLimit;
  /** Sign-up and asking for a link take at least this long, account or not (timing.ts). */
  minimumMs: number;
}

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

/** What a form says when the email typed is not one (sign-up, and the forms that email a link). */
export const emailProblem = (request: FastifyRequest, typed: string): string =>
  request.t(typed.trim() ? 'accounts:sign_up.errors.email_invalid' : 'accounts:sign_up.errors.email_required');

/** "Check your email" at `path`: the email is in the query, and shown only when it is one. */
export function registerSentPage(app: App, path: string, render: (ctx: PageContext, email: string) => SafeHtml): void {
  const sent = { config: { policy: 'public' as const }, schema: { querystring: fields({ email: whole() }) } };
  app.get(path, sent, async (request, reply) => {
    const email = emailSchema.safeParse(request.query.email);
    return reply.html(render(request.page(), email.success ? email.data : ''));
  });
}

/**
 * An "email me a link" journey (recovery/): the form at `path`, its POST, which `send`s the link and takes at least
 * `minimumMs` whether the email has an account or not, and "check your email" at `path`/sent.
 */
export function registerLinkRequestRoutes(
  app: App,
  deps: Pick<PublicRoutesDeps, 'limit' | 'minimumMs'>,
  link: { kind: LinkRequest; path: string; send: (email: string, ip: string) => Promise<unknown> },
): void {
  const { kind, path, send } = link;
  app.get(path, { config: { policy: 'public' } }, async (request, reply) =>
    reply.html(linkRequestPage(request.page(), kind, { csrf: reply.generateCsrf() })),
  );

  const post = {
    config: { policy: 'public' as const, limit: deps.limit },
    schema: { body: fields({ email: text(300) }) },
  };
  app.post(path, post, async (request, reply) => {
    const typed = request.body.email;
    const email = emailSchema.safeParse(typed);
    if (!email.success) {
      const errors = [{ field: 'email', message: emailProblem(request, typed) }];
      return reply.html(
        linkRequestPage(request.page(), kind, { csrf: reply.generateCsrf(), email: typed, errors }),
        400,
      );
    }
    await withMinimumDuration(deps.minimumMs, () => send(email.data, request.ip));
    return reply.redirect(`${path}/sent?email=${encodeURIComponent(email.data)}`, 303);
  });

  registerSentPage(app, `${path}/sent`, (ctx, email) => linkSentPage(ctx, kind, email));
}
