import { fields, text, type App } from '../../../platform/http/inputs.js';
import { linkLanding, linkToken } from '../route-support.js';
import type { ChangeResult, ProfileService } from './profile.js';
import { sentTo, type ProfileKit } from './route-kit.js';
import {
  addressConfirmedPage,
  addressConfirmPage,
  addressRequestPage,
  addressSentPage,
  emailTakenPage,
  settingsLinkInvalidPage,
} from './views.js';

/**
 * The two addresses of the settings, each changed the same way: a form after a recent authentication, then a link
 * sent to the new address, which confirms it. `typed` is what the form sends (ADR 15); `column`, the account's.
 */
const addresses = {
  /** A new primary email. */
  email: {
    path: '/account/settings/email',
    typed: fields({ email: text(300) }).transform((body) => body.email),
    column: 'email',
    done: 'changed',
  },
  /** The recovery email (ACC-5): a second address that also gets password reset links, once verified. */
  recovery: {
    path: '/account/settings/recovery-email',
    typed: fields({ recovery_email: text(300) }).transform((body) => body.recovery_email),
    column: 'recovery_email',
    done: 'added',
  },
} as const;
const sent = fields({ email: text(300) });

/** What the service does for one address: ask for the change, check a link, confirm it. */
interface AddressChange {
  request(accountId: string, raw: string, ip: string): Promise<ChangeResult>;
  link(token: string): Promise<string | undefined>;
  confirm(token: string, ip: string): Promise<'changed' | 'added' | 'invalid' | 'taken'>;
}

/** The address changes of the settings: the primary email and the recovery email. */
export function registerAddressRoutes(app: App, profiles: ProfileService, kit: ProfileKit): void {
  registerAddressChangeRoutes(app, profiles, kit, 'email', {
    request: (accountId, raw, ip) => profiles.requestEmailChange(accountId, raw, ip),
    link: (token) => profiles.emailChangeLink(token),
    confirm: (token, ip) => profiles.confirmEmailChange(token, ip),
  });
  registerAddressChangeRoutes(app, profiles, kit, 'recovery', {
    request: (accountId, raw, ip) => profiles.requestRecoveryEmail(accountId, raw, ip),
    link: (token) => profiles.recoveryEmailLink(token),
    confirm: (token, ip) => profiles.confirmRecoveryEmail(token, ip),
  });

  app.post('/account/settings/recovery-email/remove', kit.sensitive, async (request, reply) => {
    await profiles.removeRecoveryEmail(kit.me(request), request.ip);
    return reply.redirect('/account/settings?saved=recovery_removed', 303);
  });
}

function registerAddressChangeRoutes(
  app: App,
  profiles: ProfileService,
  kit: ProfileKit,
  kind: keyof typeof addresses,
  change: AddressChange,
): void {
  const { account, sensitive, signedIn, me, translate } = kit;
  const { path, typed, column, done } = addresses[kind];
  /** The address as it is now, which the form names. */
  const current = async (accountId: string) => (await profiles.overview(accountId))?.account[column];

  app.get(path, sensitive, async (request, reply) =>
    reply.html(addressRequestPage(request.page(), { ...signedIn(reply), kind, current: await current(me(request)) })),
  );

  app.post(path, { ...sensitive, schema: { body: typed } }, async (request, reply) => {
    const raw = request.body;
    const result = await change.request(me(request), raw, request.ip);
    if (!result.ok) {
      const errors = translate(request, result.problems);
      const p = { ...signedIn(reply), kind, current: await current(me(request)), value: raw, errors };
      return reply.html(addressRequestPage(request.page(), p), 400);
    }
    return reply.redirect(`${path}/sent?email=${encodeURIComponent(raw.trim().toLowerCase())}`, 303);
  });

  app.get(`${path}/sent`, { ...account, schema: { querystring: sent } }, async (request, reply) =>
    reply.html(addressSentPage(request.page(), { ...signedIn(reply), kind, address: sentTo(request.query.email) })),
  );

  app.get(
    `${path}/confirm`,
    { config: { policy: 'public' }, schema: { querystring: linkToken } },
    linkLanding(
      async (token) => Boolean(await change.link(token)),
      (ctx, p) => addressConfirmPage(ctx, { kind, ...p }),
      settingsLinkInvalidPage,
    ),
  );

  app.post(`${path}/confirm`, { config: { policy: 'public' }, schema: { body: linkToken } }, async (request, reply) => {
    const outcome = await change.confirm(request.body.token, request.ip);
    if (outcome === 'invalid') return reply.html(settingsLinkInvalidPage(request.page()), 410);
    if (outcome === 'taken') return reply.html(emailTakenPage(request.page()), 409);
    return reply.redirect(`${path}/${done}`, 303);
  });

  app.get(`${path}/${done}`, { config: { policy: 'public' } }, async (request, reply) =>
    reply.html(addressConfirmedPage(request.page(), kind)),
  );
}
