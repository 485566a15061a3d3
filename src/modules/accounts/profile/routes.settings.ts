import type { FastifyReply, FastifyRequest } from 'fastify';
import { fields, text, texts, type App } from '../../../platform/http/inputs.js';
import { isLanguage } from '../../../platform/i18n/index.js';
import type { FieldError } from '../../../platform/views/components.js';
import { pick, type ProfileKit, type ProfileRoutesDeps } from './route-kit.js';
import { changePasswordPage, settingsPage, type SettingsNotice } from './views.js';

const SETTINGS_NOTICES: readonly SettingsNotice[] = ['recovery_removed', 'language', 'notifications', 'password'];

/** What the settings page and its forms send (ADR 15). */
const inputs = {
  saved: fields({ saved: text(20) }),
  password: fields({ password: text(1000), password_confirmation: text(1000) }),
  language: fields({ language: text(500) }),
  // The ticked boxes of "how to tell me about my cases" (none ticked: none sent).
  notify: fields({ notify: texts(20) }),
};

/** The settings page: the password (after re-authentication), the language, how to be told about cases. */
export function registerSettingsRoutes(app: App, deps: ProfileRoutesDeps, kit: ProfileKit): void {
  const { profiles } = deps;
  const { account, sensitive, signedIn, me, translate } = kit;

  const settings = async (
    request: FastifyRequest,
    reply: FastifyReply,
    saved: string,
    extra: { errors?: FieldError[]; notify?: { email: boolean; text: boolean } } = {},
  ) => {
    const overview = await profiles.overview(me(request));
    if (!overview) return reply.redirect('/account/sign-in', 303);
    const notice = pick(SETTINGS_NOTICES, saved);
    return reply.html(
      settingsPage(request.page(), {
        ...signedIn(reply),
        ...overview,
        notice: extra.errors ? undefined : notice,
        ...extra,
      }),
      extra.errors ? 400 : 200,
    );
  };

  app.get('/account/settings', { ...account, schema: { querystring: inputs.saved } }, (request, reply) =>
    settings(request, reply, request.query.saved),
  );

  // Password change while signed in: re-authentication first (reauth.ts), then the new password twice.
  app.get('/account/settings/password', sensitive, async (request, reply) =>
    reply.html(changePasswordPage(request.page(), signedIn(reply))),
  );

  app.post(
    '/account/settings/password',
    { ...sensitive, schema: { body: inputs.password } },
    async (request, reply) => {
      const password = request.body.password;
      const again = (errors: FieldError[]) =>
        reply.html(changePasswordPage(request.page(), { ...signedIn(reply), errors }), 400);
      if (!password) return again([{ field: 'password', message: request.t('accounts:password.errors.required') }]);
      if (password !== request.body.password_confirmation)
        return again([{ field: 'password_confirmation', message: request.t('accounts:password.errors.mismatch') }]);
      const result = await deps.accounts.changePassword(me(request), password, request.session!.id_hash, request.ip);
      if (!result.ok)
        return again([{ field: 'password', message: request.t(`accounts:password.errors.${result.problem}`) }]);
      return reply.redirect('/account/settings?saved=password', 303);
    },
  );

  app.post('/account/settings/language', { ...account, schema: { body: inputs.language } }, async (request, reply) => {
    const language = request.body.language;
    if (!isLanguage(language))
      return settings(request, reply, '', {
        errors: [{ field: 'language', message: request.t('profile:errors.language.required') }],
      });
    await profiles.setLanguage(me(request), language, request.ip);
    // The pages follow too (the `lang` parameter sets the language cookie).
    return reply.redirect(`/account/settings?saved=language&lang=${language}`, 303);
  });

  app.post(
    '/account/settings/notifications',
    { ...account, schema: { body: inputs.notify } },
    async (request, reply) => {
      const chosen = request.body.notify;
      const choice = { email: chosen.includes('email'), text: chosen.includes('text') };
      const result = await profiles.setNotificationPreferences(me(request), choice, request.ip);
      if (!result.ok)
        return settings(request, reply, '', { errors: translate(request, result.problems), notify: choice });
      return reply.redirect('/account/settings?saved=notifications', 303);
    },
  );
}
