import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { choosePasswordAndApp, PASSWORD, signIn, totpAt } from '../../../../test/accounts-support.js';
import { TestAgent } from '../../../../test/agent.js';
import { createTestApp, type TestApp } from '../../../../test/harness.js';
import { calendarDay, parseRepresentativeProfile, type RepresentativeForm } from './representatives.js';

/**
 * Profile and settings (ACC-8), the representative profile (issue 3 item 1) and the recovery email (ACC-5), through
 * the pages as a person uses them, with the fake clock for every expiry.
 */

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t?.close());

const START = '2026-11-23T15:00:00Z';
const db = () => t.deps.database.db;

async function messages(to: string, template: string) {
  return db()
    .selectFrom('notification_messages')
    .selectAll()
    .where('recipient', '=', to)
    .where('template', '=', template)
    .orderBy('created_at', 'desc')
    .execute();
}

async function accountRow(email: string) {
  return db().selectFrom('accounts').selectAll().where('email', '=', email).executeTakeFirst();
}

async function events(accountId: string, kind: string) {
  return db()
    .selectFrom('account_security_events')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('kind', '=', kind)
    .execute();
}

/** The path of the link in the latest message of a template sent to an address. */
async function linkIn(to: string, template: string): Promise<string> {
  const [message] = await messages(to, template);
  expect(message, `a ${template} message to ${to}`).toBeDefined();
  return /\/account\/[a-z/-]+\?token=\S+/.exec(message!.body)![0];
}

interface Person {
  agent: TestAgent;
  email: string;
  id: string;
  secret: string;
}

let ipCounter = 0;
/** Signs up through the pages (email link, password, authenticator app, backup codes): the agent ends signed in. */
async function signUp(
  email: string,
  kind: 'applicant' | 'representative' = 'applicant',
  lang: 'en' | 'es' = 'en',
): Promise<Person> {
  const agent = new TestAgent(t.app, `10.9.${Math.floor(ipCounter / 200)}.${ipCounter++ % 200}`);
  await agent.get(`/account/sign-up?lang=${lang}`);
  expect((await agent.post('/account/sign-up', { email, kind })).statusCode).toBe(303);
  await agent.get(await linkIn(email, 'verify_email'));
  await agent.post('/account/sign-up/confirm', { token: agent.$('input[name=token]').val() as string });
  const secret = await choosePasswordAndApp(t, agent);
  expect((await agent.post('/account/sign-up/backup-codes', {})).headers.location).toBe('/account?welcome=1');
  const row = await accountRow(email);
  return { agent, email, id: row!.id, secret };
}

const REPRESENTATIVE: RepresentativeForm = {
  given_name: 'Rosa',
  middle_name: '',
  family_name: 'Díaz-Ortega',
  role: 'attorney',
  bar_state: 'NY',
  bar_number: '4512877',
  recognized_organization: '',
  accreditation_expires_month: '',
  accreditation_expires_day: '',
  accreditation_expires_year: '',
  firm_name: 'Díaz Immigration Law PLLC',
  street1: '100 Church Street',
  street2: 'Suite 800',
  city: 'New York',
  state: 'NY',
  zip: '10007',
  phone: '(212) 555-0188',
};

describe('account menu (ACC-8)', () => {
  it('shows Home, My cases, Profile, Settings and the account actions on every signed-in page, with the current one marked', async () => {
    const person = await signUp('menu@example.com');
    for (const [path, current] of [
      ['/account', 'Home'],
      ['/account/cases', 'My cases'],
      ['/account/profile', 'Profile'],
      ['/account/settings', 'Settings'],
      ['/account/cases/add', 'Add a case'],
      ['/account/sessions', 'Sessions and devices'],
    ] as const) {
      await person.agent.get(path);
      const $ = person.agent.$;
      const nav = $('nav[aria-label="Account menu"]');
      expect(nav.length, path).toBe(1);
      expect(
        nav
          .find('a')
          .map((_, a) => $(a).text())
          .get(),
      ).toEqual([
        'Home',
        'My cases',
        'Messages',
        'Profile',
        'Settings',
        'Add a case',
        'Verify your identity',
        'Change your address',
        'Sessions and devices',
        'Two-step verification',
      ]);
      expect(nav.find('a[aria-current="page"]').text()).toBe(current);
      expect(nav.find('a[aria-current]').length, path).toBe(1);
      expect(nav.find('a[href="/account/two-step"]').length).toBe(1);
      expect(nav.find('form[action="/account/sign-out"] button').text()).toBe('Sign out');
    }
    // A page below a section marks its section.
    await person.agent.get('/account/settings/email');
    expect(person.agent.$('nav[aria-label="Account menu"] a[aria-current="true"]').text()).toBe('Settings');
    await person.agent.get('/account?lang=es');
    expect(person.agent.$('nav[aria-label="Menú de la cuenta"] a[aria-current="page"]').text()).toBe('Inicio');
    // Pages of people who are not signed in have no account menu.
    const stranger = new TestAgent(t.app, '10.8.0.1');
    await stranger.get('/account/sign-in');
    expect(stranger.$('nav[aria-label="Account menu"]').length).toBe(0);
  });
});

describe('profile', () => {
  it('shows the name, email, Online Account Number and account type, and edits the name', async () => {
    const person = await signUp('profile@example.com');
    await person.agent.get('/account/profile');
    const text = person.agent.$('main dl').text();
    expect(text).toContain('Not given yet');
    expect(text).toContain('profile@example.com');
    expect(text).toContain('Applicant');
    const oan = (await accountRow(person.email))!.online_account_number;
    expect(person.agent.$('.casedesk-receipt').text().replace(/\s/g, '')).toBe(oan);

    await person.agent.get('/account/profile/name');
    let res = await person.agent.post('/account/profile/name', {
      given_name: '  José  ',
      middle_name: '',
      family_name: '',
    });
    expect(res.statusCode).toBe(400);
    expect(person.agent.errorSummary()).toEqual(['Enter your last or family name.']);
    expect(person.agent.$('#given_name').val()).toBe('  José  ');
    expect((await accountRow(person.email))!.given_name).toBeNull();
    res = await person.agent.post('/account/profile/name', {
      given_name: 'José',
      middle_name: '3',
      family_name: "O'Brien",
    });
    expect(person.agent.errorSummary()).toEqual([
      'Your middle name can only have letters, spaces, hyphens, apostrophes and periods.',
    ]);
    res = await person.agent.post('/account/profile/name', {
      given_name: '  José  ',
      middle_name: 'María',
      family_name: "O'Brien  Ruiz",
    });
    expect(res.headers.location).toBe('/account/profile?saved=name');
    expect(await accountRow(person.email)).toMatchObject({
      given_name: 'José',
      middle_name: 'María',
      family_name: "O'Brien Ruiz",
    });
    await person.agent.get(res.headers.location as string);
    expect(person.agent.$('main dl').text()).toContain("José María O'Brien Ruiz");
    expect(await events(person.id, 'name_changed')).toHaveLength(1);
  });

  it('explains errors in Spanish', async () => {
    const person = await signUp('perfil@example.com', 'applicant', 'es');
    await person.agent.get('/account/profile/name?lang=es');
    expect(person.agent.$('h1').text()).toBe('Su nombre');
    await person.agent.post('/account/profile/name', { given_name: '', middle_name: '', family_name: 'Pérez' });
    expect(person.agent.errorSummary()).toEqual(['Escriba su nombre de pila.']);
  });

  it('shows each person only their own profile, and changes only their own (no account id in any request)', async () => {
    const ana = await signUp('ana-own@example.com');
    const ben = await signUp('ben-own@example.com');
    await ana.agent.get('/account/profile/name');
    await ana.agent.post('/account/profile/name', { given_name: 'Ana', middle_name: '', family_name: 'Silva' });
    await ben.agent.get('/account/profile');
    expect(ben.agent.$('main').text()).not.toContain('Silva');
    expect(ben.agent.$('main').text()).toContain('ben-own@example.com');
    expect(ben.agent.$('main').text()).not.toContain('ana-own@example.com');
    // Whatever Ben's form says, it changes Ben's account only.
    await ben.agent.get('/account/profile/name');
    await ben.agent.post('/account/profile/name', {
      given_name: 'Ben',
      middle_name: '',
      family_name: 'Stone',
      account_id: ana.id,
      id: ana.id,
    });
    expect(await accountRow(ana.email)).toMatchObject({ given_name: 'Ana', family_name: 'Silva' });
    expect(await accountRow(ben.email)).toMatchObject({ given_name: 'Ben', family_name: 'Stone' });
    // Without a session: sent to sign in, and posts are refused.
    const stranger = new TestAgent(t.app, '10.8.0.2');
    expect((await stranger.get('/account/profile')).headers.location).toBe('/account/sign-in');
    expect((await stranger.get('/account/settings')).headers.location).toBe('/account/sign-in');
    await stranger.get('/account/sign-in');
    expect(
      (await stranger.post('/account/profile/name', { given_name: 'X', middle_name: '', family_name: 'Y' })).statusCode,
    ).toBe(401);
    expect((await stranger.post('/account/settings/language', { language: 'es' })).statusCode).toBe(401);
  });

  it('refuses forms without the CSRF token', async () => {
    const person = await signUp('csrf-profile@example.com');
    await person.agent.get('/account/profile/name');
    expect(
      (
        await person.agent.post('/account/profile/name', {
          given_name: 'A',
          middle_name: '',
          family_name: 'B',
          _csrf: null,
        })
      ).statusCode,
    ).toBe(403);
    expect(
      (await person.agent.post('/account/settings/notifications', { notify: 'email', _csrf: 'forged' })).statusCode,
    ).toBe(403);
    expect((await accountRow(person.email))!.given_name).toBeNull();
  });
});

describe('representative profile (issue 3 item 1)', () => {
  it('sends a representative without a profile from the account home to complete it, and lets them in once done', async () => {
    const rep = await signUp('rep-redirect@example.com', 'representative');
    let res = await rep.agent.get('/account?welcome=1');
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/account/profile/representative?required=missing');
    await rep.agent.get(res.headers.location as string);
    expect(rep.agent.$('h1').text()).toBe('Your representative details');
    expect(rep.agent.$('.usa-alert--info .usa-alert__heading').text()).toBe('Complete your profile to continue');
    expect(rep.agent.$('select#bar_state option')).toHaveLength(57); // "- Select -", 50 states, DC and 5 territories
    res = await rep.agent.post('/account/profile/representative', REPRESENTATIVE);
    expect(res.headers.location).toBe('/account/profile?saved=representative');
    const saved = await db()
      .selectFrom('representative_profiles')
      .selectAll()
      .where('account_id', '=', rep.id)
      .executeTakeFirstOrThrow();
    expect(saved).toMatchObject({
      role: 'attorney',
      bar_state: 'NY',
      bar_number: '4512877',
      recognized_organization: null,
      zip: '10007',
      phone_e164: '+12125550188',
      firm_name: 'Díaz Immigration Law PLLC',
    });
    expect(await accountRow(rep.email)).toMatchObject({
      given_name: 'Rosa',
      family_name: 'Díaz-Ortega',
      middle_name: null,
    });
    expect((await rep.agent.get('/account')).statusCode).toBe(200);
    await rep.agent.get('/account/profile');
    const text = rep.agent.$('main').text();
    expect(text).toContain('Attorney or accredited representative');
    expect(text).toContain('4512877');
    expect(text).toContain('(212) 555-0188');
    // Editable later: the form comes back filled in, without the "complete your profile" notice.
    await rep.agent.get('/account/profile/representative');
    expect(rep.agent.$('#bar_number').val()).toBe('4512877');
    expect(rep.agent.$('#phone').val()).toBe('(212) 555-0188');
    expect(rep.agent.$('.usa-alert--info').length).toBe(0);
    expect(await events(rep.id, 'representative_profile_saved')).toHaveLength(1);
  });

  it('does not redirect an applicant, and has no representative page for one', async () => {
    const applicant = await signUp('not-rep@example.com', 'applicant');
    expect((await applicant.agent.get('/account')).statusCode).toBe(200);
    expect((await applicant.agent.get('/account/profile/representative')).statusCode).toBe(404);
    await applicant.agent.get('/account/profile');
    expect((await applicant.agent.post('/account/profile/representative', REPRESENTATIVE)).statusCode).toBe(404);
    expect(
      await db()
        .selectFrom('representative_profiles')
        .select('account_id')
        .where('account_id', '=', applicant.id)
        .executeTakeFirst(),
    ).toBeUndefined();
  });

  it('checks every field and says what is wrong with each, writing nothing', async () => {
    const rep = await signUp('rep-errors@example.com', 'representative');
    await rep.agent.get('/account/profile/representative');
    let res = await rep.agent.post('/account/profile/representative', {
      ...REPRESENTATIVE,
      bar_number: '',
      zip: '1234',
      phone: '555-555-5555',
    });
    expect(res.statusCode).toBe(400);
    expect(rep.agent.errorSummary()).toEqual([
      'Enter your bar number.',
      'Enter a ZIP code with 5 digits, or 9 digits like 20529-2000.',
      'Enter a phone number that exists, like (202) 555-0143, or start with + and the country code.',
    ]);
    expect(
      rep.agent
        .$('#error-summary a')
        .map((_, a) => rep.agent.$(a).attr('href'))
        .get(),
    ).toEqual(['#bar_number', '#zip', '#phone']);
    expect(rep.agent.$('#zip').attr('aria-invalid')).toBe('true');
    expect(rep.agent.$('#zip').val()).toBe('1234');

    // An accredited representative: the accreditation must expire in the future (the agency's today is the 23rd).
    const accredited = {
      ...REPRESENTATIVE,
      role: 'accredited_representative',
      bar_state: '',
      bar_number: '',
      recognized_organization: 'Catholic Charities of Example',
      accreditation_expires_month: '11',
      accreditation_expires_day: '23',
      accreditation_expires_year: '2026',
    };
    res = await rep.agent.post('/account/profile/representative', accredited);
    expect(rep.agent.errorSummary()).toEqual([
      'The date your accreditation expires must be in the future. If your accreditation has expired, renew it before using this account.',
    ]);
    expect(rep.agent.$('#error-summary a').attr('href')).toBe('#accreditation_expires_month');
    res = await rep.agent.post('/account/profile/representative', {
      ...accredited,
      accreditation_expires_month: '2',
      accreditation_expires_day: '30',
      accreditation_expires_year: '2027',
    });
    expect(rep.agent.errorSummary()).toEqual([
      'Enter the date your accreditation expires as a real date, like 4 28 2027.',
    ]);
    res = await rep.agent.post('/account/profile/representative', {
      ...accredited,
      role: '',
      state: 'XX',
      phone: '+1 212 555 0188 ext. 12',
    });
    expect(rep.agent.errorSummary()).toEqual([
      'Choose whether you are an attorney or an accredited representative.',
      'Choose the state, territory or district of your business.',
      'Enter the phone number without an extension.',
    ]);
    expect(
      await db()
        .selectFrom('representative_profiles')
        .select('account_id')
        .where('account_id', '=', rep.id)
        .executeTakeFirst(),
    ).toBeUndefined();

    await rep.agent.get('/account/profile/representative?lang=es');
    await rep.agent.post('/account/profile/representative', { ...REPRESENTATIVE, zip: 'ABCDE' });
    expect(rep.agent.errorSummary()).toEqual([
      'Escriba un código postal de 5 dígitos, o de 9 dígitos como 20529-2000.',
    ]);

    res = await rep.agent.post('/account/profile/representative', {
      ...accredited,
      accreditation_expires_month: '11',
      accreditation_expires_day: '24',
      accreditation_expires_year: '2026',
      zip: '20529-2000',
      phone: '+44 20 7946 0958',
    });
    expect(res.headers.location).toBe('/account/profile?saved=representative');
    const saved = await db()
      .selectFrom('representative_profiles')
      .selectAll()
      .where('account_id', '=', rep.id)
      .executeTakeFirstOrThrow();
    expect(saved).toMatchObject({
      role: 'accredited_representative',
      bar_state: null,
      bar_number: null,
      accreditation_expires_on: '2026-11-24',
      zip: '20529-2000',
      phone_e164: '+442079460958',
    });
  });

  it('sends the representative back to the profile when the accreditation has expired', async () => {
    const rep = await signUp('rep-expiry@example.com', 'representative');
    await rep.agent.get('/account/profile/representative');
    await rep.agent.post('/account/profile/representative', {
      ...REPRESENTATIVE,
      role: 'accredited_representative',
      bar_state: '',
      bar_number: '',
      recognized_organization: 'Example Legal Aid',
      accreditation_expires_month: '11',
      accreditation_expires_day: '25',
      accreditation_expires_year: '2026',
    });
    expect((await rep.agent.get('/account')).statusCode).toBe(200);
    // Two days later the date has passed in the agency's time zone: at the next sign-in, back to the profile.
    t.clock.advance(2 * 24 * 3600_000);
    const agent = new TestAgent(t.app, '10.8.0.3');
    await agent.get('/account/sign-in');
    await agent.post('/account/sign-in', { email: rep.email, password: PASSWORD });
    await agent.get('/account/sign-in/code');
    expect(
      (
        await agent.post('/account/sign-in/code', {
          code: totpAt(t, rep.secret),
        })
      ).headers.location,
    ).toBe('/account');
    const res = await agent.get('/account');
    expect(res.headers.location).toBe('/account/profile/representative?required=expired');
    await agent.get(res.headers.location as string);
    expect(agent.$('.usa-alert--info .usa-alert__heading').text()).toBe('Your accreditation date has passed');
    t.clock.set(START);
  });

  it('validates as a pure rule too (E.164, ZIP, bar number, dates relative to the given day)', () => {
    const today = calendarDay(new Date('2026-11-24T03:00:00Z'), 'America/New_York');
    expect(today).toBe('2026-11-23');
    const ok = parseRepresentativeProfile({ ...REPRESENTATIVE, phone: '202 555 0143', bar_number: 'ab-12.3' }, today);
    expect(ok).toMatchObject({
      ok: true,
      value: { phoneE164: '+12025550143', barNumber: 'AB-12.3', street2: 'Suite 800' },
    });
    const bad = parseRepresentativeProfile({ ...REPRESENTATIVE, bar_state: 'ZZ', zip: '100071' }, today);
    expect(bad).toEqual({
      ok: false,
      problems: [
        { field: 'bar_state', code: 'required' },
        { field: 'zip', code: 'invalid' },
      ],
    });
    const far = parseRepresentativeProfile(
      {
        ...REPRESENTATIVE,
        role: 'accredited_representative',
        recognized_organization: 'Org',
        accreditation_expires_month: '1',
        accreditation_expires_day: '1',
        accreditation_expires_year: '2040',
      },
      today,
    );
    expect(far).toEqual({ ok: false, problems: [{ field: 'accreditation_expires_month', code: 'too_far' }] });
  });
});

describe('email change (verification of the new address)', () => {
  it('sends a single-use link to the new address and changes the email only when the link’s form is posted; the old address is told', async () => {
    const person = await signUp('old-address@example.com');
    await person.agent.get('/account/settings');
    expect(person.agent.$('a[href="/account/settings/email"]').length).toBe(1);
    await person.agent.get('/account/settings/email');
    let res = await person.agent.post('/account/settings/email', { email: 'old-address@example.com' });
    expect(res.statusCode).toBe(400);
    expect(person.agent.errorSummary()).toEqual(['This is already your email address. Enter a different one.']);
    res = await person.agent.post('/account/settings/email', { email: ' New-Address@Example.com ' });
    expect(res.headers.location).toBe('/account/settings/email/sent?email=new-address%40example.com');
    await person.agent.get(res.headers.location as string);
    expect(person.agent.$('.usa-intro').text()).toContain('new-address@example.com');
    expect((await accountRow('old-address@example.com'))?.id).toBe(person.id);

    const link = await linkIn('new-address@example.com', 'confirm_new_email');
    expect(link).toMatch(/^\/account\/settings\/email\/confirm\?token=/);
    // Opening the link (a mail scanner may) changes nothing; only the form's POST does, from any device.
    const phone = new TestAgent(t.app, '10.8.1.1');
    expect((await phone.get(link)).statusCode).toBe(200);
    expect((await phone.get(link)).statusCode).toBe(200);
    expect((await accountRow('old-address@example.com'))?.id).toBe(person.id);
    const token = phone.$('input[name=token]').val() as string;
    const csrf = phone.$('input[name=_csrf]').val() as string;
    res = await phone.post('/account/settings/email/confirm', { token });
    expect(res.headers.location).toBe('/account/settings/email/changed');
    expect(await accountRow('old-address@example.com')).toBeUndefined();
    expect((await accountRow('new-address@example.com'))?.id).toBe(person.id);
    const [notice] = await messages('old-address@example.com', 'email_changed');
    expect(notice?.body).toContain('n•••@example.com');
    expect(await events(person.id, 'email_changed')).toHaveLength(1);
    // Single use.
    expect((await phone.get(link)).statusCode).toBe(410);
    expect((await phone.post('/account/settings/email/confirm', { token, _csrf: csrf })).statusCode).toBe(410);
    expect(phone.$('h1').text()).toBe('This link cannot be used');
    // The person signs in with the new address from now on.
    await person.agent.get('/account/profile');
    expect(person.agent.$('main dl').text()).toContain('new-address@example.com');
  });

  it('refuses a link after 24 hours', async () => {
    const person = await signUp('late-change@example.com');
    await person.agent.get('/account/settings/email');
    await person.agent.post('/account/settings/email', { email: 'late-new@example.com' });
    const link = await linkIn('late-new@example.com', 'confirm_new_email');
    const other = new TestAgent(t.app, '10.8.1.2');
    t.clock.advance(24 * 3600_000 - 1000);
    expect((await other.get(link)).statusCode).toBe(200);
    const token = other.$('input[name=token]').val() as string;
    t.clock.advance(2000);
    expect((await other.post('/account/settings/email/confirm', { token })).statusCode).toBe(410);
    expect((await accountRow('late-change@example.com'))?.id).toBe(person.id);
    t.clock.set(START);
  });

  it('answers the same for an address another account uses, sends that address a notice instead, and changes nothing', async () => {
    await signUp('owner-of-address@example.com');
    const person = await signUp('wants-taken@example.com');
    const free = await signUp('wants-free@example.com');
    await person.agent.get('/account/settings/email');
    const taken = await person.agent.post('/account/settings/email', { email: 'owner-of-address@example.com' });
    await free.agent.get('/account/settings/email');
    const untaken = await free.agent.post('/account/settings/email', { email: 'nobody-yet@example.com' });
    expect(taken.statusCode).toBe(untaken.statusCode);
    expect(taken.headers.location).toBe('/account/settings/email/sent?email=owner-of-address%40example.com');
    await person.agent.get(taken.headers.location as string);
    await free.agent.get(untaken.headers.location as string);
    expect(person.agent.$('main').text().replace('owner-of-address', 'X')).toBe(
      free.agent.$('main').text().replace('nobody-yet', 'X'),
    );
    expect(await messages('owner-of-address@example.com', 'confirm_new_email')).toHaveLength(0);
    const [notice] = await messages('owner-of-address@example.com', 'email_in_use');
    expect(notice?.body).toContain('/account/sign-in');
    expect(notice?.body).not.toMatch(/token=/);
    const tokens = await db()
      .selectFrom('account_tokens')
      .selectAll()
      .where('account_id', '=', person.id)
      .where('purpose', '=', 'change_email')
      .execute();
    expect(tokens).toHaveLength(0);
    expect((await accountRow('wants-taken@example.com'))?.id).toBe(person.id);
  });

  it("uses a link only for the account that asked: another person's session cannot turn it on their own account", async () => {
    const ana = await signUp('ana-link@example.com');
    const ben = await signUp('ben-link@example.com');
    await ana.agent.get('/account/settings/email');
    await ana.agent.post('/account/settings/email', { email: 'ana-new@example.com' });
    const link = await linkIn('ana-new@example.com', 'confirm_new_email');
    await ben.agent.get(link);
    await ben.agent.post('/account/settings/email/confirm', {
      token: ben.agent.$('input[name=token]').val() as string,
      account_id: ben.id,
    });
    expect((await accountRow('ben-link@example.com'))?.id).toBe(ben.id);
    expect((await accountRow('ana-new@example.com'))?.id).toBe(ana.id);
    // A made-up token changes nothing.
    await ben.agent.get('/account/settings');
    expect((await ben.agent.post('/account/settings/email/confirm', { token: 'x'.repeat(43) })).statusCode).toBe(410);
  });

  it('a newer request makes the older link unusable', async () => {
    const person = await signUp('twice@example.com');
    await person.agent.get('/account/settings/email');
    await person.agent.post('/account/settings/email', { email: 'first-choice@example.com' });
    const first = await linkIn('first-choice@example.com', 'confirm_new_email');
    await person.agent.get('/account/settings/email');
    await person.agent.post('/account/settings/email', { email: 'second-choice@example.com' });
    expect((await person.agent.get(first)).statusCode).toBe(410);
    expect((await person.agent.get(await linkIn('second-choice@example.com', 'confirm_new_email'))).statusCode).toBe(
      200,
    );
  });

  it('needs a recent authentication to ask for a change (page and form)', async () => {
    const person = await signUp('reauth-email@example.com');
    // Active for 16 minutes (the session lives), but the last authentication is older than 15 minutes.
    for (let i = 0; i < 4; i++) {
      t.clock.advance(4 * 60_000);
      expect((await person.agent.get('/account/settings')).statusCode).toBe(200);
    }
    let res = await person.agent.get('/account/settings/email');
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/account/reauthenticate?next=%2Faccount%2Fsettings%2Femail');
    await person.agent.get('/account/settings');
    res = await person.agent.post('/account/settings/email', { email: 'sneaky@example.com' });
    expect(res.headers.location).toBe('/account/reauthenticate?next=%2Faccount%2Fsettings%2Femail&again=1');
    res = await person.agent.get('/account/settings/recovery-email');
    expect(res.headers.location).toBe('/account/reauthenticate?next=%2Faccount%2Fsettings%2Frecovery-email');
    await person.agent.get('/account/settings');
    res = await person.agent.post('/account/settings/recovery-email', { recovery_email: 'sneaky@example.com' });
    expect(res.headers.location).toContain('/account/reauthenticate?');
    expect(await messages('sneaky@example.com', 'confirm_new_email')).toHaveLength(0);
    expect(await messages('sneaky@example.com', 'confirm_recovery_email')).toHaveLength(0);
    t.clock.set(START);
  });

  it('changes the password after re-authentication: other devices signed out, the person emailed', async () => {
    const person = await signUp('new-password@example.com');
    const laptop = new TestAgent(t.app, '10.9.250.1');
    expect((await signIn(t, laptop, person.email, person.secret, PASSWORD)).headers.location).toBe('/account');
    await person.agent.get('/account/settings');
    expect(person.agent.$('a[href="/account/settings/password"]')).toHaveLength(1);
    await person.agent.get('/account/settings/password');
    let res = await person.agent.post('/account/settings/password', {
      password: 'a new long passphrase 77',
      password_confirmation: 'a new long passphrase 78',
    });
    expect(res.statusCode).toBe(400);
    expect(person.agent.errorSummary()).toEqual(['The two passwords are not the same.']);
    res = await person.agent.post('/account/settings/password', { password: 'short', password_confirmation: 'short' });
    expect(res.statusCode).toBe(400);
    res = await person.agent.post('/account/settings/password', {
      password: 'a new long passphrase 77',
      password_confirmation: 'a new long passphrase 77',
    });
    expect(res.headers.location).toBe('/account/settings?saved=password');
    expect((await person.agent.get('/account/settings')).statusCode).toBe(200);
    expect((await laptop.get('/account')).headers.location).toBe('/account/sign-in');
    expect(await messages(person.email, 'password_changed')).toHaveLength(1);
    expect(await events(person.id, 'password_changed')).toHaveLength(1);
    expect(
      (await signIn(t, new TestAgent(t.app, '10.9.250.2'), person.email, person.secret, PASSWORD)).statusCode,
    ).toBe(400);
    expect(
      (await signIn(t, new TestAgent(t.app, '10.9.250.3'), person.email, person.secret, 'a new long passphrase 77'))
        .headers.location,
    ).toBe('/account');
    // Later than 15 minutes after the last sign-in, the password is asked again first.
    for (let i = 0; i < 4; i++) {
      t.clock.advance(4 * 60_000);
      await person.agent.get('/account/settings');
    }
    expect((await person.agent.get('/account/settings/password')).headers.location).toBe(
      '/account/reauthenticate?next=%2Faccount%2Fsettings%2Fpassword',
    );
    t.clock.set(START);
  });

  it('limits the links a person can have sent in an hour', async () => {
    const person = await signUp('many-links@example.com');
    for (let i = 0; i < 5; i++) {
      await person.agent.get('/account/settings/email');
      expect((await person.agent.post('/account/settings/email', { email: `try-${i}@example.com` })).statusCode).toBe(
        303,
      );
    }
    await person.agent.get('/account/settings/email');
    expect((await person.agent.post('/account/settings/email', { email: 'try-5@example.com' })).statusCode).toBe(400);
    expect(person.agent.errorSummary()).toEqual([
      'You asked for too many links in the last hour. Wait an hour and try again.',
    ]);
    expect(await messages('try-5@example.com', 'confirm_new_email')).toHaveLength(0);
  });
});

describe('recovery email (ACC-5)', () => {
  async function forgot(email: string) {
    const agent = new TestAgent(t.app, `10.8.2.${ipCounter++ % 200}`);
    await agent.get('/account/forgot-password');
    return agent.post('/account/forgot-password', { email });
  }

  it('is verified by a link, then receives the password reset link with the primary address (one link, usable once)', async () => {
    const person = await signUp('has-recovery@example.com');
    await person.agent.get('/account/settings/recovery-email');
    let res = await person.agent.post('/account/settings/recovery-email', {
      recovery_email: 'has-recovery@example.com',
    });
    expect(person.agent.errorSummary()).toEqual([
      'Your recovery email must be different from the email address you sign in with.',
    ]);
    res = await person.agent.post('/account/settings/recovery-email', { recovery_email: 'Backup.Me@Example.org' });
    expect(res.headers.location).toBe('/account/settings/recovery-email/sent?email=backup.me%40example.org');
    const link = await linkIn('backup.me@example.org', 'confirm_recovery_email');
    const other = new TestAgent(t.app, '10.8.2.250');
    await other.get(link);
    res = await other.post('/account/settings/recovery-email/confirm', {
      token: other.$('input[name=token]').val() as string,
    });
    expect(res.headers.location).toBe('/account/settings/recovery-email/added');
    expect(await accountRow(person.email)).toMatchObject({ recovery_email: 'backup.me@example.org' });
    expect((await messages(person.email, 'recovery_email_added'))[0]?.body).toContain('b•••@example.org');
    expect(await events(person.id, 'recovery_email_added')).toHaveLength(1);
    await person.agent.get('/account/settings');
    expect(person.agent.$('main dl').text()).toContain('backup.me@example.org');

    await forgot(person.email);
    const [toPrimary] = await messages(person.email, 'reset_password');
    const [toRecovery] = await messages('backup.me@example.org', 'reset_password');
    expect(toRecovery).toBeDefined();
    const primaryLink = /\/account\/reset-password\?token=\S+/.exec(toPrimary!.body)![0];
    expect(/\/account\/reset-password\?token=\S+/.exec(toRecovery!.body)![0]).toBe(primaryLink);
    // Used from the recovery address, the link is spent for the primary address too.
    const agent = new TestAgent(t.app, '10.8.2.251');
    await agent.get(primaryLink);
    const NEW = 'a brand new long passphrase 77';
    res = await agent.post('/account/reset-password', {
      token: agent.$('input[name=token]').val() as string,
      password: NEW,
      password_confirmation: NEW,
    });
    expect(res.headers.location).toBe('/account/sign-in?reset=1');
    expect((await agent.get(primaryLink)).statusCode).toBe(410);
  });

  it('is not used before it is verified, and not after it is removed', async () => {
    const person = await signUp('pending-recovery@example.com');
    await person.agent.get('/account/settings/recovery-email');
    await person.agent.post('/account/settings/recovery-email', { recovery_email: 'not-yet@example.org' });
    await forgot(person.email);
    expect(await messages(person.email, 'reset_password')).toHaveLength(1);
    expect(await messages('not-yet@example.org', 'reset_password')).toHaveLength(0);
    expect((await accountRow(person.email))!.recovery_email).toBeNull();

    const link = await linkIn('not-yet@example.org', 'confirm_recovery_email');
    await person.agent.get(link);
    await person.agent.post('/account/settings/recovery-email/confirm', {
      token: person.agent.$('input[name=token]').val() as string,
    });
    await person.agent.get('/account/settings');
    const res = await person.agent.post('/account/settings/recovery-email/remove', {});
    expect(res.headers.location).toBe('/account/settings?saved=recovery_removed');
    expect((await accountRow(person.email))!.recovery_email).toBeNull();
    expect(await messages(person.email, 'recovery_email_removed')).toHaveLength(1);
    await forgot(person.email);
    expect(await messages('not-yet@example.org', 'reset_password')).toHaveLength(0);
  });

  it('refuses a recovery link after 24 hours, and a second use', async () => {
    const person = await signUp('recovery-expiry@example.com');
    await person.agent.get('/account/settings/recovery-email');
    await person.agent.post('/account/settings/recovery-email', { recovery_email: 'slow@example.org' });
    const link = await linkIn('slow@example.org', 'confirm_recovery_email');
    t.clock.advance(24 * 3600_000 + 1000);
    const agent = new TestAgent(t.app, '10.8.3.1');
    expect((await agent.get(link)).statusCode).toBe(410);
    t.clock.set(START);
    await person.agent.get('/account/settings/recovery-email');
    await person.agent.post('/account/settings/recovery-email', { recovery_email: 'quick@example.org' });
    const quick = await linkIn('quick@example.org', 'confirm_recovery_email');
    await agent.get(quick);
    const token = agent.$('input[name=token]').val() as string;
    const csrf = agent.$('input[name=_csrf]').val() as string;
    expect((await agent.post('/account/settings/recovery-email/confirm', { token })).statusCode).toBe(303);
    expect((await agent.post('/account/settings/recovery-email/confirm', { token, _csrf: csrf })).statusCode).toBe(410);
  });
});

describe('language and notification settings', () => {
  it('sets the language of emails and texts, and the pages follow', async () => {
    const person = await signUp('idioma@example.com');
    await person.agent.get('/account/settings');
    const res = await person.agent.post('/account/settings/language', { language: 'es' });
    expect(res.headers.location).toBe('/account/settings?saved=language&lang=es');
    await person.agent.get(res.headers.location as string);
    expect(person.agent.$('h1').text()).toBe('Configuración');
    expect(person.agent.$('.usa-alert--success').text()).toContain('Se guardó su idioma');
    expect((await accountRow(person.email))!.language).toBe('es');
    // The next email is in Spanish.
    await person.agent.get('/account/settings/recovery-email');
    await person.agent.post('/account/settings/recovery-email', { recovery_email: 'idioma-2@example.org' });
    expect((await messages('idioma-2@example.org', 'confirm_recovery_email'))[0]?.language).toBe('es');
    await person.agent.get('/account/settings');
    expect((await person.agent.post('/account/settings/language', { language: 'fr' })).statusCode).toBe(400);
    expect((await accountRow(person.email))!.language).toBe('es');
  });

  it('offers text messages only with a verified phone, and needs at least one way', async () => {
    const person = await signUp('notify@example.com');
    await person.agent.get('/account/settings');
    expect(person.agent.$('#notify').is(':checked')).toBe(true);
    expect(person.agent.$('#notify-text').attr('disabled')).toBeDefined();
    expect(person.agent.$('a[href="/account/two-step"]').length).toBeGreaterThan(0);
    let res = await person.agent.post('/account/settings/notifications', { notify: 'text' });
    expect(res.statusCode).toBe(400);
    expect(person.agent.errorSummary()).toEqual(['To get text messages, first add and verify a phone number.']);
    res = await person.agent.post('/account/settings/notifications', {});
    expect(person.agent.errorSummary()).toEqual([
      'Choose how we should notify you: by email, by text message, or both.',
    ]);
    expect(await accountRow(person.email)).toMatchObject({ notify_by_email: true, notify_by_text: false });

    // An unverified phone does not count; a verified one does.
    await db()
      .insertInto('account_phones')
      .values({
        id: t.deps.random.uuid(),
        account_id: person.id,
        e164: '+12025550143',
        label: null,
        verified_at: null,
        created_at: t.clock.now(),
      })
      .execute();
    await person.agent.get('/account/settings');
    expect(person.agent.$('#notify-text').attr('disabled')).toBeDefined();
    await db()
      .updateTable('account_phones')
      .set({ verified_at: t.clock.now() })
      .where('account_id', '=', person.id)
      .execute();
    await person.agent.get('/account/settings');
    expect(person.agent.$('#notify-text').attr('disabled')).toBeUndefined();
    expect(person.agent.$('main ul.usa-list').text()).toContain('(202) 555-0143');
    // Two checkboxes of the same name arrive as a list.
    const form = new URLSearchParams([
      ['_csrf', person.agent.$('input[name=_csrf]').first().val() as string],
      ['notify', 'email'],
      ['notify', 'text'],
    ]);
    res = await t.app.inject({
      method: 'POST',
      url: '/account/settings/notifications',
      headers: { cookie: person.agent.cookieHeader, 'content-type': 'application/x-www-form-urlencoded' },
      payload: form.toString(),
    });
    expect(res.headers.location).toBe('/account/settings?saved=notifications');
    expect(await accountRow(person.email)).toMatchObject({ notify_by_email: true, notify_by_text: true });
    await person.agent.get('/account/settings');
    res = await person.agent.post('/account/settings/notifications', { notify: 'text' });
    expect(await accountRow(person.email)).toMatchObject({ notify_by_email: false, notify_by_text: true });
    expect(await events(person.id, 'notification_preferences_changed')).toHaveLength(2);
  });
});
