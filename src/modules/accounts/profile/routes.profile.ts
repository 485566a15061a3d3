import { fields, text, type App } from '../../../platform/http/inputs.js';
import type { ProfileService } from './profile.js';
import { REPRESENTATIVE_FIELDS, type RepresentativeForm } from './representatives.js';
import { pick, type ProfileKit } from './route-kit.js';
import { namePage, profilePage, representativePage, representativeValues, type ProfileNotice } from './views.js';

const PROFILE_NOTICES: readonly ProfileNotice[] = ['name', 'representative'];

/** What the profile pages and forms send (ADR 15). */
const inputs = {
  saved: fields({ saved: text(20) }),
  name: fields({ given_name: text(500), middle_name: text(500), family_name: text(500) }),
  representative: fields(
    Object.fromEntries(REPRESENTATIVE_FIELDS.map((f) => [f, text(500)])) as Record<
      (typeof REPRESENTATIVE_FIELDS)[number],
      ReturnType<typeof text>
    >,
  ),
};

/** The profile: the name, and a representative's professional details (REP-3 matches paper G-28s against them). */
export function registerProfilePageRoutes(app: App, profiles: ProfileService, kit: ProfileKit): void {
  const { account, signedIn, me, translate } = kit;

  app.get('/account/profile', { ...account, schema: { querystring: inputs.saved } }, async (request, reply) => {
    const overview = await profiles.overview(me(request));
    if (!overview) return reply.redirect('/account/sign-in', 303);
    return reply.html(
      profilePage(request.page(), {
        ...signedIn(reply),
        ...overview,
        notice: pick(PROFILE_NOTICES, request.query.saved),
      }),
    );
  });

  app.get('/account/profile/name', account, async (request, reply) => {
    const overview = await profiles.overview(me(request));
    if (!overview) return reply.redirect('/account/sign-in', 303);
    const a = overview.account;
    return reply.html(
      namePage(request.page(), {
        ...signedIn(reply),
        values: { given_name: a.given_name ?? '', middle_name: a.middle_name ?? '', family_name: a.family_name ?? '' },
      }),
    );
  });

  app.post('/account/profile/name', { ...account, schema: { body: inputs.name } }, async (request, reply) => {
    const values = {
      given_name: request.body.given_name,
      middle_name: request.body.middle_name,
      family_name: request.body.family_name,
    };
    const result = await profiles.updateName(me(request), values, request.ip);
    if (!result.ok)
      return reply.html(
        namePage(request.page(), { ...signedIn(reply), values, errors: translate(request, result.problems) }),
        400,
      );
    return reply.redirect('/account/profile?saved=name', 303);
  });

  // The representative profile exists only for representative accounts: for others the page does not exist.
  app.get('/account/profile/representative', account, async (request, reply) => {
    const overview = await profiles.overview(me(request));
    if (overview?.account.kind !== 'representative') return reply.callNotFound();
    const status = await profiles.representativeStatus(overview.account.id);
    return reply.html(
      representativePage(request.page(), {
        ...signedIn(reply),
        values: representativeValues(overview.account, overview.representative),
        required: status === 'missing' || status === 'expired' ? status : undefined,
      }),
    );
  });

  app.post(
    '/account/profile/representative',
    { ...account, schema: { body: inputs.representative } },
    async (request, reply) => {
      const overview = await profiles.overview(me(request));
      if (overview?.account.kind !== 'representative') return reply.callNotFound();
      const form: RepresentativeForm = request.body;
      const result = await profiles.saveRepresentativeProfile(overview.account.id, form, request.ip);
      if (!result.ok) {
        const status = await profiles.representativeStatus(overview.account.id);
        return reply.html(
          representativePage(request.page(), {
            ...signedIn(reply),
            values: form,
            errors: translate(request, result.problems),
            required: status === 'missing' || status === 'expired' ? status : undefined,
          }),
          400,
        );
      }
      return reply.redirect('/account/profile?saved=representative', 303);
    },
  );
}
