import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lastMessage, PASSWORD, totpAt } from '../../../test/accounts-support.js';
import { TestAgent } from '../../../test/agent.js';
import { createTestApp, type TestApp } from '../../../test/harness.js';
import { SESSION_COOKIE } from './index.js';
import { OTP_LOCKOUT_MS } from './service.js';
import { SESSION_IDLE_MS } from './sign-in/sessions.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t?.close());

interface Person {
  agent: TestAgent;
  email: string;
  secret: string;
  backupCodes: string[];
}

/** Walks the whole sign-up as a person would, checking each step (`leaveAtCodes`: stops on the backup codes' page). */
async function signUp(email: string, ip: string, lang: 'en' | 'es' = 'en', leaveAtCodes = false): Promise<Person> {
  const agent = new TestAgent(t.app, ip);
  await agent.get(`/account/sign-up?lang=${lang}`);
  let res = await agent.post('/account/sign-up', { email, kind: 'applicant' });
  expect(res.statusCode).toBe(303);
  const message = await lastMessage(t, email.toLowerCase(), 'verify_email');
  expect(message?.language).toBe(lang);
  const link = /https?:\/\/\S+\/account\/sign-up\/confirm\?token=\S+/.exec(message!.body)![0];
  const path = link.replace(/^https?:\/\/[^/]+/, '');
  res = await agent.get(path);
  expect(res.statusCode).toBe(200);
  res = await agent.post('/account/sign-up/confirm', { token: agent.$('input[name=token]').val() as string });
  expect(res.statusCode).toBe(303);
  expect(res.headers.location).toBe('/account/sign-up/password');
  await agent.get('/account/sign-up/password');
  res = await agent.post('/account/sign-up/password', { password: PASSWORD, password_confirmation: PASSWORD });
  expect(res.statusCode).toBe(303);
  res = await agent.get('/account/sign-up/authenticator');
  expect(res.statusCode).toBe(200);
  const secret = (agent.$('.casedesk-secret').text() as string).replace(/\s/g, '');
  expect(agent.$('img.casedesk-qr').attr('src')).toMatch(/^data:image\/svg\+xml;base64,/);
  res = await agent.post('/account/sign-up/authenticator', { code: totpAt(t, secret) });
  expect(res.statusCode).toBe(200);
  const backupCodes = agent
    .$('.casedesk-codes code')
    .map((_, c) => agent.$(c).text())
    .get();
  expect(backupCodes).toHaveLength(10);
  if (leaveAtCodes) return { agent, email: email.toLowerCase(), secret, backupCodes };
  res = await agent.post('/account/sign-up/backup-codes', {});
  expect(res.headers.location).toBe('/account?welcome=1');
  return { agent, email: email.toLowerCase(), secret, backupCodes };
}

async function signIn(agent: TestAgent, email: string, password = PASSWORD) {
  await agent.get('/account/sign-in');
  return agent.post('/account/sign-in', { email, password });
}

describe('sign-up (ACC-2, ACC-3, ACC-4)', () => {
  it('creates an account with a verified email, a password, an authenticator app and backup codes', async () => {
    const { agent } = await signUp('Ana.Lopez@Example.com', '10.0.0.1');
    const home = await agent.get('/account');
    expect(home.statusCode).toBe(200);
    expect(agent.$('h1').text()).toBe('My account');
    const oan = agent.$('.casedesk-receipt').text().replace(/\s/g, '');
    expect(oan).toMatch(/^[1-9]\d{11}$/);
    const row = await t.deps.database.db
      .selectFrom('accounts')
      .selectAll()
      .where('email', '=', 'ana.lopez@example.com')
      .executeTakeFirstOrThrow();
    expect(row.online_account_number).toBe(oan);
    expect(row.password_hash).not.toContain(PASSWORD);
    expect(row.activated_at).not.toBeNull();
  });

  it('sets the account up once the second step is verified: leaving at the backup codes is no dead end (issue 15 item 6)', async () => {
    const person = await signUp('leaver@example.com', '10.0.9.1', 'en', true);
    // Back at sign-up: no new authenticator key, but new backup codes on request.
    let res = await person.agent.get('/account/sign-up/authenticator');
    expect(res.headers.location).toBe('/account/sign-up/backup-codes');
    await person.agent.get('/account/sign-up/backup-codes');
    expect(person.agent.$('h1').text()).toBe('Your account is set up');
    expect(person.agent.$('.casedesk-secret')).toHaveLength(0);
    await person.agent.post('/account/sign-up/backup-codes/new', {});
    const again = person.agent
      .$('.casedesk-codes code')
      .map((_, c) => person.agent.$(c).text())
      .get();
    expect(again).toHaveLength(10);
    expect(again).not.toEqual(person.backupCodes);
    // Signing up again with the address tells its owner to sign in; signing in works.
    await person.agent.get('/account/sign-up');
    await person.agent.post('/account/sign-up', { email: person.email, kind: 'applicant' });
    expect(await lastMessage(t, person.email, 'account_exists')).toBeDefined();
    t.clock.advanceSeconds(30);
    const other = new TestAgent(t.app, '10.0.9.2');
    res = await signIn(other, person.email);
    expect(res.headers.location).toBe('/account/sign-in/code');
    await other.get('/account/sign-in/code');
    res = await other.post('/account/sign-in/code', { code: totpAt(t, person.secret) });
    expect(res.headers.location).toBe('/account');
  });

  it('works in Spanish and sends the verification email in Spanish', async () => {
    const { agent } = await signUp('maria@example.com', '10.0.0.2', 'es');
    await agent.get('/account');
    expect(agent.$('html').attr('lang')).toBe('es');
    expect(agent.$('h1').text()).toBe('Mi cuenta');
  });

  it('answers the same for an email that already has an account, and tells its owner by email', async () => {
    await signUp('taken@example.com', '10.0.0.3');
    const agent = new TestAgent(t.app, '10.0.0.4');
    await agent.get('/account/sign-up');
    const res = await agent.post('/account/sign-up', { email: 'taken@example.com', kind: 'applicant' });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/account/sign-up/check-email?email=taken%40example.com');
    expect(await lastMessage(t, 'taken@example.com', 'account_exists')).toBeDefined();
  });

  it('explains bad input with an error summary and changes nothing', async () => {
    const agent = new TestAgent(t.app, '10.0.0.5');
    await agent.get('/account/sign-up');
    const res = await agent.post('/account/sign-up', { email: 'not-an-email', kind: 'wizard' });
    expect(res.statusCode).toBe(400);
    expect(agent.errorSummary()).toEqual([
      'Enter an email address in the right format, like name@example.com.',
      'Choose the kind of account you need.',
    ]);
    expect(agent.$('#email').val()).toBe('not-an-email');
    expect(
      await t.deps.database.db
        .selectFrom('accounts')
        .select('id')
        .where('email', '=', 'not-an-email')
        .executeTakeFirst(),
    ).toBeUndefined();
  });

  it('refuses weak, common and mismatched passwords with precise messages', async () => {
    const agent = new TestAgent(t.app, '10.0.0.6');
    await agent.get('/account/sign-up');
    await agent.post('/account/sign-up', { email: 'weak@example.com', kind: 'applicant' });
    const link = /\/account\/sign-up\/confirm\?token=\S+/.exec(
      (await lastMessage(t, 'weak@example.com', 'verify_email'))!.body,
    )![0];
    await agent.get(link);
    await agent.post('/account/sign-up/confirm', { token: agent.$('input[name=token]').val() as string });
    await agent.get('/account/sign-up/password');
    let res = await agent.post('/account/sign-up/password', { password: 'short', password_confirmation: 'short' });
    expect(res.statusCode).toBe(400);
    expect(agent.errorSummary()).toEqual(['Your password must have at least 12 characters.']);
    res = await agent.post('/account/sign-up/password', { password: PASSWORD, password_confirmation: `${PASSWORD}!` });
    expect(agent.errorSummary()).toEqual(['The two passwords are not the same.']);
    res = await agent.post('/account/sign-up/password', {
      password: 'weak@example.com!!',
      password_confirmation: 'weak@example.com!!',
    });
    expect(res.statusCode).toBe(400);
  });

  it('uses a verification link once, and never after 24 hours', async () => {
    const agent = new TestAgent(t.app, '10.0.0.7');
    await agent.get('/account/sign-up');
    await agent.post('/account/sign-up', { email: 'once@example.com', kind: 'representative' });
    const link = /\/account\/sign-up\/confirm\?token=\S+/.exec(
      (await lastMessage(t, 'once@example.com', 'verify_email'))!.body,
    )![0];
    const token = decodeURIComponent(link.split('token=')[1]!);
    await agent.get(link);
    expect((await agent.post('/account/sign-up/confirm', { token })).statusCode).toBe(303);
    const again = new TestAgent(t.app, '10.0.0.8');
    expect((await again.get(link)).statusCode).toBe(410);
    await again.get('/account/sign-up');
    expect((await again.post('/account/sign-up/confirm', { token })).statusCode).toBe(410);

    await agent.get('/account/sign-up');
    await agent.post('/account/sign-up', { email: 'late@example.com', kind: 'applicant' });
    const late = /\/account\/sign-up\/confirm\?token=\S+/.exec(
      (await lastMessage(t, 'late@example.com', 'verify_email'))!.body,
    )![0];
    t.clock.advance(24 * 3600_000 + 1000);
    expect((await agent.get(late)).statusCode).toBe(410);
    t.clock.set('2026-11-23T15:00:00Z');
  });
});

describe('sign-in with two steps', () => {
  let person: Person;
  beforeAll(async () => {
    person = await signUp('signin@example.com', '10.1.0.1');
  });

  it('needs the password and then a code from the app; the session id changes at each step', async () => {
    const agent = new TestAgent(t.app, '10.1.0.2');
    let res = await signIn(agent, person.email);
    expect(res.headers.location).toBe('/account/sign-in/code');
    const partial = agent.cookies.get(SESSION_COOKIE);
    expect((await agent.get('/account')).statusCode).toBe(303);
    await agent.get('/account/sign-in/code');
    t.clock.advanceSeconds(30);
    res = await agent.post('/account/sign-in/code', { code: totpAt(t, person.secret) });
    expect(res.headers.location).toBe('/account');
    expect(agent.cookies.get(SESSION_COOKIE)).not.toBe(partial);
    expect((await agent.get('/account')).statusCode).toBe(200);
    // The partial session's id is worthless now (no session fixation).
    const stale = await t.app.inject({
      method: 'GET',
      url: '/account',
      headers: { cookie: `${SESSION_COOKIE}=${partial}` },
    });
    expect(stale.statusCode).toBe(303);
  });

  it('asks for the code in a field made for one-time codes, focused; error summaries get the focus (issue 15 item 7)', async () => {
    const agent = new TestAgent(t.app, '10.1.0.9');
    await signIn(agent, person.email);
    await agent.get('/account/sign-in/code');
    const code = agent.$('#code');
    expect(code.attr('autocomplete')).toBe('one-time-code');
    expect(code.attr('inputmode')).toBe('numeric');
    expect(code.attr('autofocus')).toBeDefined();
    // The focus moves to the error summary by a script file (the CSP allows no inline script).
    expect(agent.$('script[src="/assets/error-summary.js"]')).toHaveLength(1);
    expect((await t.app.inject('/assets/error-summary.js')).body).toContain("getElementById('error-summary')");
  });

  it('gives the same answer for an unknown email and a wrong password', async () => {
    const agent = new TestAgent(t.app, '10.1.0.3');
    const wrong = await signIn(agent, person.email, 'not the right password at all');
    const wrongText = agent.errorSummary();
    const unknown = await signIn(agent, 'nobody@example.com', 'not the right password at all');
    expect(wrong.statusCode).toBe(400);
    expect(unknown.statusCode).toBe(400);
    expect(agent.errorSummary()).toEqual(wrongText);
  });

  it('refuses a code used twice', async () => {
    t.clock.advanceSeconds(60);
    const code = totpAt(t, person.secret);
    const first = new TestAgent(t.app, '10.1.0.4');
    await signIn(first, person.email);
    await first.get('/account/sign-in/code');
    expect((await first.post('/account/sign-in/code', { code })).headers.location).toBe('/account');
    const second = new TestAgent(t.app, '10.1.0.5');
    await signIn(second, person.email);
    await second.get('/account/sign-in/code');
    expect((await second.post('/account/sign-in/code', { code })).statusCode).toBe(400);
  });

  it('accepts each backup code once instead of a code, and emails an alert', async () => {
    const agent = new TestAgent(t.app, '10.1.0.6');
    await signIn(agent, person.email);
    await agent.get('/account/sign-in/code');
    const res = await agent.post('/account/sign-in/code', { code: person.backupCodes[0]!.toLowerCase() });
    expect(res.headers.location).toBe('/account?backup_codes_left=9');
    await agent.get(res.headers.location as string);
    expect(agent.$('.usa-alert--warning').text()).toContain('9 codes remain');
    expect(await lastMessage(t, person.email, 'backup_code_used')).toBeDefined();
    const again = new TestAgent(t.app, '10.1.0.7');
    await signIn(again, person.email);
    await again.get('/account/sign-in/code');
    expect((await again.post('/account/sign-in/code', { code: person.backupCodes[0]! })).statusCode).toBe(400);
  });

  it('locks two-step verification for 10 minutes after 10 wrong codes', async () => {
    const victim = await signUp('otp-lock@example.com', '10.1.0.8');
    const attacker = new TestAgent(t.app, '10.1.0.9');
    await signIn(attacker, victim.email);
    await attacker.get('/account/sign-in/code');
    let res;
    for (let i = 0; i < 10; i++) res = await attacker.post('/account/sign-in/code', { code: String(100000 + i) });
    expect(res!.statusCode).toBe(429);
    expect(attacker.errorSummary()[0]).toContain('locked until');
    t.clock.advanceSeconds(30);
    res = await attacker.post('/account/sign-in/code', { code: totpAt(t, victim.secret) });
    expect(res.statusCode).toBe(429);
    t.clock.advance(OTP_LOCKOUT_MS);
    const owner = new TestAgent(t.app, '10.1.0.10');
    await signIn(owner, victim.email);
    await owner.get('/account/sign-in/code');
    expect((await owner.post('/account/sign-in/code', { code: totpAt(t, victim.secret) })).headers.location).toBe(
      '/account',
    );
  });

  it('slows password guessing on one account, with a wait that ends', async () => {
    const victim = await signUp('guess@example.com', '10.1.0.11');
    let res;
    for (let i = 0; i < 6; i++)
      res = await signIn(new TestAgent(t.app, `10.2.0.${i}`), victim.email, `wrong password number ${i}`);
    expect(res!.statusCode).toBe(429);
    // Even the right password waits until the throttle ends.
    expect((await signIn(new TestAgent(t.app, '10.2.1.1'), victim.email)).statusCode).toBe(429);
    t.clock.advance(5 * 60_000);
    expect((await signIn(new TestAgent(t.app, '10.2.1.2'), victim.email)).headers.location).toBe(
      '/account/sign-in/code',
    );
  });

  it('ends a session after 15 idle minutes, and at sign-out', async () => {
    const agent = new TestAgent(t.app, '10.1.0.12');
    await signIn(agent, person.email);
    await agent.get('/account/sign-in/code');
    t.clock.advanceSeconds(90);
    await agent.post('/account/sign-in/code', { code: totpAt(t, person.secret) });
    expect((await agent.get('/account')).statusCode).toBe(200);
    t.clock.advance(SESSION_IDLE_MS + 1000);
    expect((await agent.get('/account')).headers.location).toBe('/account/sign-in');

    await signIn(agent, person.email);
    await agent.get('/account/sign-in/code');
    t.clock.advanceSeconds(30);
    await agent.post('/account/sign-in/code', { code: totpAt(t, person.secret) });
    await agent.get('/account');
    const res = await agent.post('/account/sign-out', {});
    expect(res.headers.location).toBe('/survey/exit');
    expect((await agent.get('/account')).statusCode).toBe(303);
  });
});

describe('account pages are protected', () => {
  it('refuses every account form without a CSRF token', async () => {
    const agent = new TestAgent(t.app, '10.3.0.1');
    await agent.get('/account/sign-in');
    expect(
      (await agent.post('/account/sign-in', { email: 'x@example.com', password: 'y', _csrf: null })).statusCode,
    ).toBe(403);
    expect(
      (await agent.post('/account/sign-up', { email: 'x@example.com', kind: 'applicant', _csrf: 'forged' })).statusCode,
    ).toBe(403);
  });

  it('answers a form whose token expired with "this form has expired", the way back to it and what was typed, never a password (issue 15 item 6)', async () => {
    const agent = new TestAgent(t.app, '10.3.0.2');
    await agent.get('/account/sign-in?lang=en');
    // The browser lost the form's cookie (it expired): the token on the page no longer fits.
    agent.cookies.clear();
    const res = await agent.post('/account/sign-in', { email: 'kept@example.com', password: 'Secret-typed-1' });
    expect(res.statusCode).toBe(403);
    expect(agent.$('h1').text()).toBe('This form has expired');
    expect(agent.$('main').text()).not.toContain('ask your administrator');
    expect(agent.$('main a.usa-button').attr('href')).toBe('/account/sign-in');
    expect(agent.$('main').text()).toContain('kept@example.com');
    expect(res.body).not.toContain('Secret-typed-1');
    // In Spanish too.
    await agent.get('/account/sign-in?lang=es');
    agent.cookies.clear();
    await agent.post('/account/sign-in?lang=es', { email: 'kept@example.com', password: 'x' });
    expect(agent.$('h1').text()).toBe('Este formulario venció');
  });

  it('sends people without a session to sign in, and refuses posts', async () => {
    const agent = new TestAgent(t.app, '10.3.0.2');
    expect((await agent.get('/account')).headers.location).toBe('/account/sign-in');
    expect((await agent.get('/account/sign-up/password')).headers.location).toBe('/account/sign-up');
    expect((await agent.get('/account/sign-in/code')).headers.location).toBe('/account/sign-in');
    await agent.get('/account/sign-in');
    expect((await agent.post('/account/sign-out', {})).statusCode).toBe(401);
  });
});

describe('forgot password (ACC-5)', () => {
  it('emails a single-use link that sets a new password, signs out every device and tells the owner', async () => {
    const person = await signUp('reset@example.com', '10.4.0.1');
    const device = new TestAgent(t.app, '10.4.0.2');
    await signIn(device, person.email);
    await device.get('/account/sign-in/code');
    t.clock.advanceSeconds(30);
    await device.post('/account/sign-in/code', { code: totpAt(t, person.secret) });
    expect((await device.get('/account')).statusCode).toBe(200);

    const agent = new TestAgent(t.app, '10.4.0.3');
    await agent.get('/account/sign-in');
    expect(agent.$('a[href="/account/forgot-password"]').length).toBe(1);
    await agent.get('/account/forgot-password');
    let res = await agent.post('/account/forgot-password', { email: 'RESET@example.com' });
    expect(res.headers.location).toBe('/account/forgot-password/sent?email=reset%40example.com');
    const link = /\/account\/reset-password\?token=\S+/.exec(
      (await lastMessage(t, person.email, 'reset_password'))!.body,
    )![0];
    expect((await agent.get(link)).statusCode).toBe(200);
    const token = agent.$('input[name=token]').val() as string;
    res = await agent.post('/account/reset-password', {
      token,
      password: 'password1234',
      password_confirmation: 'password1234',
    });
    expect(res.statusCode).toBe(400);
    const NEW = 'a brand new long passphrase 77';
    res = await agent.post('/account/reset-password', { token, password: NEW, password_confirmation: NEW });
    expect(res.headers.location).toBe('/account/sign-in?reset=1');
    expect(await lastMessage(t, person.email, 'password_changed')).toBeDefined();
    // Every device is signed out, the link is spent, and only the new password works.
    expect((await device.get('/account')).statusCode).toBe(303);
    expect((await agent.get(link)).statusCode).toBe(410);
    // The spent link offers the step that fits: a new reset link, or signing in (not "create an account").
    expect(agent.$('main a.usa-button').attr('href')).toBe('/account/forgot-password');
    expect(agent.$('main a[href="/account/sign-in"]')).toHaveLength(1);
    expect(agent.$('main a[href="/account/sign-up"]')).toHaveLength(0);
    expect((await signIn(new TestAgent(t.app, '10.4.0.4'), person.email)).statusCode).toBe(400);
    expect((await signIn(new TestAgent(t.app, '10.4.0.5'), person.email, NEW)).headers.location).toBe(
      '/account/sign-in/code',
    );
  });

  it('answers the same for unknown emails, sends at most 3 links an hour, and links expire after an hour', async () => {
    const person = await signUp('reset-limit@example.com', '10.4.1.1');
    const count = async (to: string) =>
      Number(
        (
          await t.deps.database.db
            .selectFrom('notification_messages')
            .select((eb) => eb.fn.countAll().as('n'))
            .where('recipient', '=', to)
            .where('template', '=', 'reset_password')
            .executeTakeFirstOrThrow()
        ).n,
      );
    const agent = new TestAgent(t.app, '10.4.1.2');
    await agent.get('/account/forgot-password');
    const unknown = await agent.post('/account/forgot-password', { email: 'ghost@example.com' });
    expect(unknown.headers.location).toBe('/account/forgot-password/sent?email=ghost%40example.com');
    expect(await count('ghost@example.com')).toBe(0);
    for (let i = 0; i < 5; i++) {
      await agent.get('/account/forgot-password');
      await agent.post('/account/forgot-password', { email: person.email });
    }
    expect(await count(person.email)).toBe(3);
    const link = /\/account\/reset-password\?token=\S+/.exec(
      (await lastMessage(t, person.email, 'reset_password'))!.body,
    )![0];
    t.clock.advance(3600_000 + 1000);
    expect((await agent.get(link)).statusCode).toBe(410);
    await agent.get('/account/forgot-password');
    await agent.post('/account/forgot-password', { email: person.email });
    expect(await count(person.email)).toBe(4);
  });
});

describe('devices and sessions (ACC sessions)', () => {
  const countNewDevice = async (to: string) =>
    Number(
      (
        await t.deps.database.db
          .selectFrom('notification_messages')
          .select((eb) => eb.fn.countAll().as('n'))
          .where('recipient', '=', to)
          .where('template', '=', 'new_device')
          .executeTakeFirstOrThrow()
      ).n,
    );

  async function fullSignIn(agent: TestAgent, person: Person) {
    await signIn(agent, person.email);
    await agent.get('/account/sign-in/code');
    t.clock.advanceSeconds(30);
    return agent.post('/account/sign-in/code', { code: totpAt(t, person.secret) });
  }

  it('emails the owner at the first sign-in from a new device, once', async () => {
    const person = await signUp('devices@example.com', '10.5.0.1');
    expect(await countNewDevice(person.email)).toBe(0);
    const laptop = new TestAgent(t.app, '10.5.0.2');
    expect((await fullSignIn(laptop, person)).headers.location).toBe('/account');
    expect(await countNewDevice(person.email)).toBe(1);
    await laptop.post('/account/sign-out', {});
    await fullSignIn(laptop, person);
    expect(await countNewDevice(person.email)).toBe(1);
  });

  it('lists the signed-in devices and signs out all the others', async () => {
    const person = await signUp('sessions@example.com', '10.5.1.1');
    const phone = new TestAgent(t.app, '10.5.1.2');
    await fullSignIn(phone, person);
    const tablet = new TestAgent(t.app, '10.5.1.3');
    await fullSignIn(tablet, person);
    await person.agent.get('/account/sessions');
    expect(person.agent.$('h1').text()).toBe('Where you are signed in');
    expect(person.agent.$('tbody tr')).toHaveLength(3);
    expect(person.agent.$('tbody .usa-tag').text()).toBe('This device');
    const res = await person.agent.post('/account/sessions/sign-out-others', {});
    expect(res.headers.location).toBe('/account/sessions?done=1');
    await person.agent.get('/account/sessions?done=1');
    expect(person.agent.$('tbody tr')).toHaveLength(1);
    expect(person.agent.$('.usa-alert--success').text()).toContain('All other devices were signed out.');
    expect((await phone.get('/account')).statusCode).toBe(303);
    expect((await tablet.get('/account')).statusCode).toBe(303);
    // Another person's sessions are not listed, and cannot be ended from here.
    const other = await signUp('sessions-other@example.com', '10.5.1.4');
    await other.agent.get('/account/sessions');
    expect(other.agent.$('tbody tr')).toHaveLength(1);
  });
});

describe('surveys (ACC-9)', () => {
  const responses = () => t.deps.database.db.selectFrom('survey_responses').selectAll().orderBy('id').execute();

  it('offers the exit survey at sign-out and stores an anonymous answer with the form and page it is about', async () => {
    const person = await signUp('survey@example.com', '10.6.0.1');
    await person.agent.get('/account');
    let res = await person.agent.post('/account/sign-out', {});
    expect(res.headers.location).toBe('/survey/exit');
    await person.agent.get('/survey/exit');
    expect(person.agent.$('h1').text()).toBe('You are signed out');
    const before = (await responses()).length;
    res = await person.agent.post('/survey/exit', { rating: '', comment: '' });
    expect(res.statusCode).toBe(400);
    expect(person.agent.errorSummary()).toEqual(['Choose how satisfied you are, or write a comment.']);
    expect((await responses()).length).toBe(before);
    res = await person.agent.post('/survey/exit', {
      rating: '4',
      about_form: 'I-765',
      about_page: 'Part 2',
      comment: '  The upload step was slow.  ',
    });
    expect(res.headers.location).toBe('/survey/thanks');
    const saved = (await responses()).at(-1)!;
    expect(saved).toMatchObject({
      survey: 'exit',
      rating: 4,
      about_form: 'I-765',
      about_page: 'Part 2',
      comment: 'The upload step was slow.',
      language: 'en',
    });
    expect(JSON.stringify(saved)).not.toContain('survey@example.com');
  });

  it('offers the in-session survey after account creation, only to the signed-in person', async () => {
    const person = await signUp('welcome-survey@example.com', '10.6.0.2', 'es');
    await person.agent.get('/account?welcome=1');
    expect(person.agent.$('#survey-heading').text()).toBe('¿Cómo fue crear su cuenta?');
    const res = await person.agent.post('/survey/account-created', { rating: '5' });
    expect(res.headers.location).toBe('/survey/thanks');
    expect((await responses()).at(-1)).toMatchObject({ survey: 'account_created', rating: 5, language: 'es' });
    const stranger = new TestAgent(t.app, '10.6.0.3');
    await stranger.get('/survey/exit');
    expect((await stranger.post('/survey/account-created', { rating: '1' })).statusCode).toBe(401);
  });

  it('refuses too long a comment and ignores an unknown form, writing nothing for bad input', async () => {
    const agent = new TestAgent(t.app, '10.6.0.4');
    await agent.get('/survey/exit');
    const before = (await responses()).length;
    const res = await agent.post('/survey/exit', { rating: '9', comment: 'x'.repeat(2001) });
    expect(res.statusCode).toBe(400);
    expect(agent.errorSummary()).toEqual(['Your comment must have at most 2,000 characters.']);
    expect((await responses()).length).toBe(before);
    await agent.post('/survey/exit', { rating: '2', about_form: 'Z-999' });
    expect((await responses()).at(-1)).toMatchObject({ rating: 2, about_form: null });
  });
});

describe('idle timeout (ACC sessions)', () => {
  it('puts the warning dialog and its no-JavaScript fallback on signed-in pages, and extends the session on request', async () => {
    const person = await signUp('idle@example.com', '10.7.0.1');
    await person.agent.get('/account');
    const $ = person.agent.$;
    expect($('dialog#session-timeout').attr('data-idle-seconds')).toBe('900');
    expect($('noscript').html()).toContain('content="900;url=/account/sign-in?timeout=1"');
    expect($('script[src="/assets/session-timeout.js"]').length).toBe(1);
    const token = $('dialog#session-timeout').attr('data-csrf')!;
    const extend = (headers: Record<string, string>) =>
      t.app.inject({
        method: 'POST',
        url: '/account/session/extend',
        headers: { cookie: person.agent.cookieHeader, ...headers },
        remoteAddress: '10.7.0.1',
      });
    expect((await extend({})).statusCode).toBe(403);
    t.clock.advance(14 * 60_000);
    expect((await extend({ 'x-csrf-token': token })).statusCode).toBe(204);
    // The extension counts as activity: 14 more minutes later the session is still alive.
    t.clock.advance(14 * 60_000);
    expect((await person.agent.get('/account')).statusCode).toBe(200);
    t.clock.advance(16 * 60_000);
    expect((await person.agent.get('/account')).headers.location).toBe('/account/sign-in');
    await person.agent.get('/account/sign-in?timeout=1');
    expect(person.agent.$('.usa-alert--info').text()).toContain('15 minutes without activity');
    const anonymous = await t.app.inject({
      method: 'POST',
      url: '/account/session/extend',
      headers: { 'x-csrf-token': token },
      remoteAddress: '10.7.0.2',
    });
    expect(anonymous.statusCode).toBe(401);
  });
});
