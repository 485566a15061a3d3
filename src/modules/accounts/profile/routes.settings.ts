import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isLanguage } from '../../../platform/i18n/index.js';
import type { FieldError } from '../../../platform/views/components.js';
import { raw, str } from '../route-support.js';
import { pick, type ProfileKit, type ProfileRoutesDeps } from './route-kit.js';
import { changePasswordPage, settingsPage, type SettingsNotice } from './views.js';

const SETTINGS_NOTICES: readonly SettingsNotice[] = ['recovery_removed', 'language', 'notifications', 'password'];

/** The settings page: the password (after re-authentication), the language, how to be told about cases. */
export function registerSettingsRoutes(app: FastifyInstance, deps: ProfileRoutesDeps, kit: ProfileKit): void {
  const { profiles } = deps;
  const { account, sensitive, signedIn, me, translate } = kit;

  const settings = async (
    request: FastifyRequest,
    reply: FastifyReply,
    extra: { errors?: FieldError[]; notify?: { email: boolean; text: boolean } } = {},
  ) => {
    const overview = await profiles.overview(me(request));
    if (!overview) return reply.redirect('/account/sign-in', 303);
    const notice = pick(SETTINGS_NOTICES, raw(request.query, 'saved'));
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

  app.get('/account/settings', account, (request, reply) => settings(request, reply));

  // Password change while signed in: re-authentication first (reauth.ts), then the new password twice.
  app.get('/account/settings/password', sensitive, async (request, reply) =>
    reply.html(changePasswordPage(request.page(), signedIn(reply))),
  );

  app.post('/account/settings/password', sensitive, async (request, reply) => {
    const password = str(request.body, 'password', 1000);
    const again = (errors: FieldError[]) =>
      reply.html(changePasswordPage(request.page(), { ...signedIn(reply), errors }), 400);
    if (!password) return again([{ field: 'password', message: request.t('accounts:password.errors.required') }]);
    if (password !== str(request.body, 'password_confirmation', 1000))
      return again([{ field: 'password_confirmation', message: request.t('accounts:password.errors.mismatch') }]);
    const result = await deps.accounts.changePassword(me(request), password, request.session!.id_hash, request.ip);
    if (!result.ok)
      return again([{ field: 'password', message: request.t(`accounts:password.errors.${result.problem}`) }]);
    return reply.redirect('/account/settings?saved=password', 303);
  });

  app.post('/account/settings/language', account, async (request, reply) => {
    const language = str(request.body, 'language', 500);
    if (!isLanguage(language))
      return settings(request, reply, {
        errors: [{ field: 'language', message: request.t('profile:errors.language.required') }],
      });
    await profiles.setLanguage(me(request), language, request.ip);
    // The pages follow too (the `lang` parameter sets the language cookie).
    return reply.redirect(`/account/settings?saved=language&lang=${language}`, 303);
  });

  app.post('/account/settings/notifications', account, async (request, reply) => {
    const notify = raw(request.body, 'notify');
    const chosen = (Array.isArray(notify) ? notify : [notify]).filter((v): v is string => typeof v === 'string');
    const choice = { email: chosen.includes('email'), text: chosen.includes('text') };
    const result = await profiles.setNotificationPreferences(me(request), choice, request.ip);
    if (!result.ok) return settings(request, reply, { errors: translate(request, result.problems), notify: choice });
    return reply.redirect('/account/settings?saved=notifications', 303);
  });
}
