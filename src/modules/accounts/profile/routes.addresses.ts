import { fields, text, type App } from '../../../platform/http/inputs.js';
import { linkLanding, linkToken } from '../route-support.js';
import type { ProfileService } from './profile.js';
import { sentTo, type ProfileKit } from './route-kit.js';
import {
  addressConfirmedPage,
  addressConfirmPage,
  addressRequestPage,
  addressSentPage,
  emailTakenPage,
  settingsLinkInvalidPage,
} from './views.js';

/** What the address forms and pages send (ADR 15). */
const inputs = {
  email: fields({ email: text(300) }),
  recovery: fields({ recovery_email: text(300) }),
  sent: fields({ email: text(300) }),
};

/** The address changes of the settings: the primary email and the recovery email. */
export function registerAddressRoutes(app: App, profiles: ProfileService, kit: ProfileKit): void {
  registerEmailChangeRoutes(app, profiles, kit);
  registerRecoveryEmailRoutes(app, profiles, kit);
}

/** A new primary email: asked for after a recent authentication, verified by a link sent to the new address. */
function registerEmailChangeRoutes(app: App, profiles: ProfileService, kit: ProfileKit): void {
  const { account, sensitive, signedIn, me, translate } = kit;

  app.get('/account/settings/email', sensitive, async (request, reply) => {
    const overview = await profiles.overview(me(request));
    return reply.html(
      addressRequestPage(request.page(), { ...signedIn(reply), kind: 'email', current: overview?.account.email }),
    );
  });

  app.post('/account/settings/email', { ...sensitive, schema: { body: inputs.email } }, async (request, reply) => {
    const raw = request.body.email;
    const result = await profiles.requestEmailChange(me(request), raw, request.ip);
    if (!result.ok) {
      const overview = await profiles.overview(me(request));
      return reply.html(
        addressRequestPage(request.page(), {
          ...signedIn(reply),
          kind: 'email',
          current: overview?.account.email,
          value: raw,
          errors: translate(request, result.problems),
        }),
        400,
      );
    }
    return reply.redirect(`/account/settings/email/sent?email=${encodeURIComponent(raw.trim().toLowerCase())}`, 303);
  });

  app.get(
    '/account/settings/email/sent',
    { ...account, schema: { querystring: inputs.sent } },
    async (request, reply) =>
      reply.html(
        addressSentPage(request.page(), { ...signedIn(reply), kind: 'email', address: sentTo(request.query.email) }),
      ),
  );

  app.get(
    '/account/settings/email/confirm',
    { config: { policy: 'public' }, schema: { querystring: linkToken } },
    linkLanding(
      async (token) => Boolean(await profiles.emailChangeLink(token)),
      (ctx, p) => addressConfirmPage(ctx, { kind: 'email', ...p }),
      settingsLinkInvalidPage,
    ),
  );

  app.post(
    '/account/settings/email/confirm',
    { config: { policy: 'public' }, schema: { body: linkToken } },
    async (request, reply) => {
      const outcome = await profiles.confirmEmailChange(request.body.token, request.ip);
      if (outcome === 'invalid') return reply.html(settingsLinkInvalidPage(request.page()), 410);
      if (outcome === 'taken') return reply.html(emailTakenPage(request.page()), 409);
      return reply.redirect('/account/settings/email/changed', 303);
    },
  );

  app.get('/account/settings/email/changed', { config: { policy: 'public' } }, async (request, reply) =>
    reply.html(addressConfirmedPage(request.page(), 'email')),
  );
}

/** The recovery email (ACC-5): a second address that also gets password reset links, once verified. */
function registerRecoveryEmailRoutes(app: App, profiles: ProfileService, kit: ProfileKit): void {
  const { account, sensitive, signedIn, me, translate } = kit;

  app.get('/account/settings/recovery-email', sensitive, async (request, reply) => {
    const overview = await profiles.overview(me(request));
    return reply.html(
      addressRequestPage(request.page(), {
        ...signedIn(reply),
        kind: 'recovery',
        current: overview?.account.recovery_email,
      }),
    );
  });

  app.post(
    '/account/settings/recovery-email',
    { ...sensitive, schema: { body: inputs.recovery } },
    async (request, reply) => {
      const raw = request.body.recovery_email;
      const result = await profiles.requestRecoveryEmail(me(request), raw, request.ip);
      if (!result.ok) {
        const overview = await profiles.overview(me(request));
        return reply.html(
          addressRequestPage(request.page(), {
            ...signedIn(reply),
            kind: 'recovery',
            current: overview?.account.recovery_email,
            value: raw,
            errors: translate(request, result.problems),
          }),
          400,
        );
      }
      return reply.redirect(
        `/account/settings/recovery-email/sent?email=${encodeURIComponent(raw.trim().toLowerCase())}`,
        303,
      );
    },
  );

  app.get(
    '/account/settings/recovery-email/sent',
    { ...account, schema: { querystring: inputs.sent } },
    async (request, reply) =>
      reply.html(
        addressSentPage(request.page(), { ...signedIn(reply), kind: 'recovery', address: sentTo(request.query.email) }),
      ),
  );

  app.get(
    '/account/settings/recovery-email/confirm',
    { config: { policy: 'public' }, schema: { querystring: linkToken } },
    linkLanding(
      async (token) => Boolean(await profiles.recoveryEmailLink(token)),
      (ctx, p) => addressConfirmPage(ctx, { kind: 'recovery', ...p }),
      settingsLinkInvalidPage,
    ),
  );

  app.post(
    '/account/settings/recovery-email/confirm',
    { config: { policy: 'public' }, schema: { body: linkToken } },
    async (request, reply) => {
      const outcome = await profiles.confirmRecoveryEmail(request.body.token, request.ip);
      if (outcome === 'invalid') return reply.html(settingsLinkInvalidPage(request.page()), 410);
      return reply.redirect('/account/settings/recovery-email/added', 303);
    },
  );

  app.get('/account/settings/recovery-email/added', { config: { policy: 'public' } }, async (request, reply) =>
    reply.html(addressConfirmedPage(request.page(), 'recovery')),
  );

  app.post('/account/settings/recovery-email/remove', sensitive, async (request, reply) => {
    await profiles.removeRecoveryEmail(me(request), request.ip);
    return reply.redirect('/account/settings?saved=recovery_removed', 303);
  });
}
