import type { FastifyInstance, FastifyReply, FastifyRequest, preHandlerHookHandler } from 'fastify';
import type { Clock } from '../../platform/clock.js';
import { isLanguage } from '../../platform/i18n/index.js';
import type { FieldError } from '../../platform/views/components.js';
import type { ProfileService } from './profile/profile.js';
import { recentAuthRequired } from './sign-in/reauth.js';
import { REPRESENTATIVE_FIELDS, type Problem, type RepresentativeForm } from './profile/representatives.js';
import { linkLanding } from './routes.account.js';
import { emailSchema, type AccountService } from './service.js';
import { SESSION_IDLE_MS, type SessionStore } from './sign-in/sessions.js';
import {
  addressConfirmedPage, changePasswordPage, addressConfirmPage, addressRequestPage, addressSentPage, emailTakenPage, namePage, profilePage, representativePage,
  representativeValues, settingsLinkInvalidPage, settingsPage, type ProfileNotice, type SettingsNotice,
} from './profile/views.js';

export interface ProfileRoutesDeps {
  profiles: ProfileService;
  accounts: AccountService;
  sessions: SessionStore;
  clock: Clock;
}

type Form = Record<string, unknown>;

/** A form field as a string (missing or repeated fields are empty), cut to a sane length before validation. */
const str = (body: unknown, name: string, max = 500): string => {
  const value = (body as Form | undefined)?.[name];
  return typeof value === 'string' ? value.slice(0, max) : '';
};

const PROFILE_NOTICES: readonly ProfileNotice[] = ['name', 'representative'];
const SETTINGS_NOTICES: readonly SettingsNotice[] = ['recovery_removed', 'language', 'notifications', 'password'];
/** The address a "check your email" page names (from its query, as the sign-up's page does); '' if not an email. */
const sentTo = (request: FastifyRequest): string => {
  const email = emailSchema.safeParse(str(request.query, 'email', 300));
  return email.success ? email.data : '';
};
const pick = <T extends string>(allowed: readonly T[], value: unknown): T | undefined => allowed.find((a) => a === value);

/**
 * Profile and settings (ACC-8): thin handlers over ProfileService. Every page works on the signed-in person's own
 * account (the session's account id; no account id ever comes from the request). Changing the email or the
 * recovery email needs a recent full authentication (reauth.ts); the pages their links open are public, because
 * the link may be opened on another device, and the link's token alone names the account and the address.
 */
export function registerProfileRoutes(app: FastifyInstance, deps: ProfileRoutesDeps): void {
  const { profiles } = deps;
  const recentAuth = recentAuthRequired(deps.sessions, deps.clock);
  // Staff profiles (name, agency email) are kept by administrators: these pages are for applicants and representatives.
  const notStaff: preHandlerHookHandler = async (request, reply) => {
    if ((await profiles.overview(request.session!.account_id))?.account.kind !== 'staff') return;
    if (request.method === 'GET' || request.method === 'HEAD') return reply.redirect('/staff', 303);
    throw Object.assign(new Error('Staff profiles are kept by administrators'), { statusCode: 403 });
  };
  const account = { config: { policy: 'account' as const }, preHandler: notStaff };
  const sensitive = { config: { policy: 'account' as const }, preHandler: [notStaff, recentAuth] };
  const signedIn = (reply: FastifyReply) => ({ csrf: reply.generateCsrf(), idleSeconds: SESSION_IDLE_MS / 1000 });
  const me = (request: FastifyRequest) => request.session!.account_id;
  const translate = (request: FastifyRequest, problems: Problem[]): FieldError[] =>
    problems.map((p) => ({ field: p.field, message: request.t(`profile:errors.${p.field}.${p.code}`) }));

  app.get('/account/profile', account, async (request, reply) => {
    const overview = await profiles.overview(me(request));
    if (!overview) return reply.redirect('/account/sign-in', 303);
    return reply.html(profilePage(request.page(), { ...signedIn(reply), ...overview, notice: pick(PROFILE_NOTICES, (request.query as Form).saved) }));
  });

  app.get('/account/profile/name', account, async (request, reply) => {
    const overview = await profiles.overview(me(request));
    if (!overview) return reply.redirect('/account/sign-in', 303);
    const a = overview.account;
    return reply.html(namePage(request.page(), { ...signedIn(reply), values: { given_name: a.given_name ?? '', middle_name: a.middle_name ?? '', family_name: a.family_name ?? '' } }));
  });

  app.post('/account/profile/name', account, async (request, reply) => {
    const values = { given_name: str(request.body, 'given_name'), middle_name: str(request.body, 'middle_name'), family_name: str(request.body, 'family_name') };
    const result = await profiles.updateName(me(request), values, request.ip);
    if (!result.ok) return reply.html(namePage(request.page(), { ...signedIn(reply), values, errors: translate(request, result.problems) }), 400);
    return reply.redirect('/account/profile?saved=name', 303);
  });

  // The representative profile exists only for representative accounts: for others the page does not exist.
  app.get('/account/profile/representative', account, async (request, reply) => {
    const overview = await profiles.overview(me(request));
    if (overview?.account.kind !== 'representative') return reply.callNotFound();
    const status = await profiles.representativeStatus(overview.account.id);
    return reply.html(representativePage(request.page(), {
      ...signedIn(reply),
      values: representativeValues(overview.account, overview.representative),
      required: status === 'missing' || status === 'expired' ? status : undefined,
    }));
  });

  app.post('/account/profile/representative', account, async (request, reply) => {
    const overview = await profiles.overview(me(request));
    if (overview?.account.kind !== 'representative') return reply.callNotFound();
    const form = Object.fromEntries(REPRESENTATIVE_FIELDS.map((f) => [f, str(request.body, f)])) as RepresentativeForm;
    const result = await profiles.saveRepresentativeProfile(overview.account.id, form, request.ip);
    if (!result.ok) {
      const status = await profiles.representativeStatus(overview.account.id);
      return reply.html(representativePage(request.page(), {
        ...signedIn(reply),
        values: form,
        errors: translate(request, result.problems),
        required: status === 'missing' || status === 'expired' ? status : undefined,
      }), 400);
    }
    return reply.redirect('/account/profile?saved=representative', 303);
  });

  const settings = async (request: FastifyRequest, reply: FastifyReply, extra: { errors?: FieldError[]; notify?: { email: boolean; text: boolean } } = {}) => {
    const overview = await profiles.overview(me(request));
    if (!overview) return reply.redirect('/account/sign-in', 303);
    const notice = pick(SETTINGS_NOTICES, (request.query as Form).saved);
    return reply.html(settingsPage(request.page(), { ...signedIn(reply), ...overview, notice: extra.errors ? undefined : notice, ...extra }), extra.errors ? 400 : 200);
  };

  app.get('/account/settings', account, (request, reply) => settings(request, reply));

  // Password change while signed in: re-authentication first (reauth.ts), then the new password twice.
  app.get('/account/settings/password', sensitive, async (request, reply) => reply.html(changePasswordPage(request.page(), signedIn(reply))));

  app.post('/account/settings/password', sensitive, async (request, reply) => {
    const password = str(request.body, 'password', 1000);
    const again = (errors: FieldError[]) => reply.html(changePasswordPage(request.page(), { ...signedIn(reply), errors }), 400);
    if (!password) return again([{ field: 'password', message: request.t('accounts:password.errors.required') }]);
    if (password !== str(request.body, 'password_confirmation', 1000)) return again([{ field: 'password_confirmation', message: request.t('accounts:password.errors.mismatch') }]);
    const result = await deps.accounts.changePassword(me(request), password, request.session!.id_hash, request.ip);
    if (!result.ok) return again([{ field: 'password', message: request.t(`accounts:password.errors.${result.problem}`) }]);
    return reply.redirect('/account/settings?saved=password', 303);
  });

  app.post('/account/settings/language', account, async (request, reply) => {
    const language = str(request.body, 'language');
    if (!isLanguage(language)) return settings(request, reply, { errors: [{ field: 'language', message: request.t('profile:errors.language.required') }] });
    await profiles.setLanguage(me(request), language, request.ip);
    // The pages follow too (the `lang` parameter sets the language cookie).
    return reply.redirect(`/account/settings?saved=language&lang=${language}`, 303);
  });

  app.post('/account/settings/notifications', account, async (request, reply) => {
    const raw = (request.body as Form | undefined)?.notify;
    const chosen = (Array.isArray(raw) ? raw : [raw]).filter((v): v is string => typeof v === 'string');
    const choice = { email: chosen.includes('email'), text: chosen.includes('text') };
    const result = await profiles.setNotificationPreferences(me(request), choice, request.ip);
    if (!result.ok) return settings(request, reply, { errors: translate(request, result.problems), notify: choice });
    return reply.redirect('/account/settings?saved=notifications', 303);
  });

  // A new primary email: asked for after a recent authentication, verified by a link sent to the new address.
  app.get('/account/settings/email', sensitive, async (request, reply) => {
    const overview = await profiles.overview(me(request));
    return reply.html(addressRequestPage(request.page(), { ...signedIn(reply), kind: 'email', current: overview?.account.email }));
  });

  app.post('/account/settings/email', sensitive, async (request, reply) => {
    const raw = str(request.body, 'email', 300);
    const result = await profiles.requestEmailChange(me(request), raw, request.ip);
    if (!result.ok) {
      const overview = await profiles.overview(me(request));
      return reply.html(addressRequestPage(request.page(), { ...signedIn(reply), kind: 'email', current: overview?.account.email, value: raw, errors: translate(request, result.problems) }), 400);
    }
    return reply.redirect(`/account/settings/email/sent?email=${encodeURIComponent(raw.trim().toLowerCase())}`, 303);
  });

  app.get('/account/settings/email/sent', account, async (request, reply) =>
    reply.html(addressSentPage(request.page(), { ...signedIn(reply), kind: 'email', address: sentTo(request) })),
  );

  app.get(
    '/account/settings/email/confirm',
    { config: { policy: 'public' } },
    linkLanding(async (token) => Boolean(await profiles.emailChangeLink(token)), (ctx, p) => addressConfirmPage(ctx, { kind: 'email', ...p }), settingsLinkInvalidPage),
  );

  app.post('/account/settings/email/confirm', { config: { policy: 'public' } }, async (request, reply) => {
    const outcome = await profiles.confirmEmailChange(str(request.body, 'token', 200), request.ip);
    if (outcome === 'invalid') return reply.html(settingsLinkInvalidPage(request.page()), 410);
    if (outcome === 'taken') return reply.html(emailTakenPage(request.page()), 409);
    return reply.redirect('/account/settings/email/changed', 303);
  });

  app.get('/account/settings/email/changed', { config: { policy: 'public' } }, async (request, reply) => reply.html(addressConfirmedPage(request.page(), 'email')));

  // The recovery email (ACC-5): a second address that also gets password reset links, once verified.
  app.get('/account/settings/recovery-email', sensitive, async (request, reply) => {
    const overview = await profiles.overview(me(request));
    return reply.html(addressRequestPage(request.page(), { ...signedIn(reply), kind: 'recovery', current: overview?.account.recovery_email }));
  });

  app.post('/account/settings/recovery-email', sensitive, async (request, reply) => {
    const raw = str(request.body, 'recovery_email', 300);
    const result = await profiles.requestRecoveryEmail(me(request), raw, request.ip);
    if (!result.ok) {
      const overview = await profiles.overview(me(request));
      return reply.html(addressRequestPage(request.page(), { ...signedIn(reply), kind: 'recovery', current: overview?.account.recovery_email, value: raw, errors: translate(request, result.problems) }), 400);
    }
    return reply.redirect(`/account/settings/recovery-email/sent?email=${encodeURIComponent(raw.trim().toLowerCase())}`, 303);
  });

  app.get('/account/settings/recovery-email/sent', account, async (request, reply) =>
    reply.html(addressSentPage(request.page(), { ...signedIn(reply), kind: 'recovery', address: sentTo(request) })),
  );

  app.get(
    '/account/settings/recovery-email/confirm',
    { config: { policy: 'public' } },
    linkLanding(async (token) => Boolean(await profiles.recoveryEmailLink(token)), (ctx, p) => addressConfirmPage(ctx, { kind: 'recovery', ...p }), settingsLinkInvalidPage),
  );

  app.post('/account/settings/recovery-email/confirm', { config: { policy: 'public' } }, async (request, reply) => {
    const outcome = await profiles.confirmRecoveryEmail(str(request.body, 'token', 200), request.ip);
    if (outcome === 'invalid') return reply.html(settingsLinkInvalidPage(request.page()), 410);
    return reply.redirect('/account/settings/recovery-email/added', 303);
  });

  app.get('/account/settings/recovery-email/added', { config: { policy: 'public' } }, async (request, reply) => reply.html(addressConfirmedPage(request.page(), 'recovery')));

  app.post('/account/settings/recovery-email/remove', sensitive, async (request, reply) => {
    await profiles.removeRecoveryEmail(me(request), request.ip);
    return reply.redirect('/account/settings?saved=recovery_removed', 303);
  });
}
