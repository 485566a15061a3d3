import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  lastMessage,
  linkIn,
  PASSWORD,
  signIn,
  signUpApplicant,
  totpAt,
  type Applicant,
} from '../../../../test/accounts-support.js';
import { TestAgent } from '../../../../test/agent.js';
import { createTestApp, type TestApp } from '../../../../test/harness.js';
import { ADDRESS_FREE_FAILURES, SIGN_IN_FREE_FAILURES, UNLOCK_LINK_TTL_MS } from '../service.js';

/**
 * Sign-in throttling per network address (issue 3 item 5), over every email an address tries, known or not, and per
 * normalised email whether or not it has an account (issue 13 item 14), with the emailed unlock link that lets the
 * holder of a throttled address in. The per-address request limit is raised here so that the failure-based
 * throttles are what answer.
 */
let t: TestApp;
let person: Applicant;
beforeAll(async () => {
  t = await createTestApp({ env: { CASEDESK_ACCOUNT_FORM_RATE_LIMIT_PER_MINUTE: '10000' } });
  person = await signUpApplicant(t, 'real.person@example.com', '10.44.0.1');
});
afterAll(async () => t?.close());

async function failFrom(agent: TestAgent, times: number, prefix: string) {
  await agent.get('/account/sign-in');
  for (let i = 0; i < times; i++) {
    const res = await agent.post('/account/sign-in', {
      email: `${prefix}-${i}@example.com`,
      password: 'guessing passwords here',
    });
    expect(res.statusCode).toBe(400);
  }
}

describe('sign-in throttling per address', () => {
  it(`lets an address fail ${ADDRESS_FREE_FAILURES} times across emails, then makes it wait, doubling, whichever email it tries`, async () => {
    const sprayer = new TestAgent(t.app, '10.44.1.1');
    await failFrom(sprayer, ADDRESS_FREE_FAILURES, 'spray');
    // The next try waits, even with the right password of a real account: the answer says until when.
    let res = await sprayer.post('/account/sign-in', {
      email: person.email,
      password: 'correct horse battery staple 42',
    });
    expect(res.statusCode).toBe(429);
    expect(sprayer.errorSummary()[0]).toMatch(
      /^Too many attempts to sign in\. For your security, wait until \d{1,2}:\d{2}/,
    );
    // Another address is not affected.
    expect((await signIn(t, new TestAgent(t.app, '10.44.1.2'), person.email, person.secret)).headers.location).toBe(
      '/account',
    );
    // A minute later the address may try once more; one more failure doubles the wait.
    t.clock.advance(61_000);
    res = await sprayer.post('/account/sign-in', { email: 'spray-x@example.com', password: 'guessing passwords here' });
    expect(res.statusCode).toBe(400);
    t.clock.advance(61_000);
    res = await sprayer.post('/account/sign-in', { email: 'spray-y@example.com', password: 'guessing passwords here' });
    expect(res.statusCode).toBe(429);
    t.clock.advance(60_000);
    expect((await signIn(t, sprayer, person.email, person.secret)).headers.location).toBe('/account');
  });

  it('forgets failures older than 15 minutes', async () => {
    const agent = new TestAgent(t.app, '10.44.2.1');
    await failFrom(agent, ADDRESS_FREE_FAILURES - 1, 'old');
    t.clock.advance(16 * 60_000);
    await failFrom(agent, ADDRESS_FREE_FAILURES - 1, 'new');
    expect((await signIn(t, agent, person.email, person.secret)).headers.location).toBe('/account');
  });
});

describe('brute force of reset links', () => {
  it('answers guessed tokens as spent links, and the per-address limit stops the guessing', async () => {
    const limited = await createTestApp();
    try {
      const guesser = new TestAgent(limited.app, '10.44.3.1');
      await guesser.get('/account/forgot-password');
      const statuses: number[] = [];
      for (let i = 0; i < 25; i++) {
        const res = await guesser.post('/account/reset-password', {
          token: `guess-${i}-${'x'.repeat(30)}`,
          password: 'a new long passphrase 2026',
          password_confirmation: 'a new long passphrase 2026',
          _csrf: (guesser.$('input[name=_csrf]').val() as string) || null,
        });
        statuses.push(res.statusCode);
        if (res.statusCode === 410 || res.statusCode === 429) await guesser.get('/account/forgot-password');
      }
      expect(statuses.slice(0, 20).every((s) => s === 410)).toBe(true);
      expect(statuses.slice(20).every((s) => s === 429)).toBe(true);
    } finally {
      await limited.close();
    }
  });
});

let ipCounter = 0;
/** A browser at an address of its own (so the per-address throttle stays out of the way). */
const fresh = () => new TestAgent(t.app, `10.45.${Math.floor(ipCounter / 200)}.${ipCounter++ % 200}`);

/** One attempt from a new address: status, error summary and the page's main text with the email taken out. */
async function attempt(email: string, password: string) {
  const agent = fresh();
  await agent.get('/account/sign-in');
  const res = await agent.post('/account/sign-in', { email, password });
  return {
    agent,
    status: res.statusCode,
    summary: agent.errorSummary(),
    main: agent.$('main').text().replaceAll(email, 'EMAIL').replace(/\s+/g, ' '),
  };
}

/** Asks for an unlock link from the throttled sign-in page's own form; answers the page it lands on. */
async function askForUnlockLink(agent: TestAgent) {
  const form = agent.$('form[action="/account/sign-in/unlock"]');
  expect(form).toHaveLength(1);
  const res = await agent.post('/account/sign-in/unlock', {
    email: form.find('input[name=email]').val() as string,
    _csrf: form.find('input[name=_csrf]').val() as string,
  });
  expect(res.statusCode).toBe(303);
  await agent.get(res.headers.location as string);
  return { status: agent.last!.statusCode, main: agent.$('main').text().replace(/\s+/g, ' ') };
}

describe('sign-in throttling per email, whether or not it has an account (issue 13 item 14)', () => {
  it('answers an unknown email exactly like a known one, before and once throttled', async () => {
    const known = await signUpApplicant(t, 'known.throttle@example.com', '10.44.4.1');
    const unknown = 'nobody.throttle@example.com';
    for (let i = 0; i <= SIGN_IN_FREE_FAILURES; i++) {
      const a = await attempt(known.email, `wrong password number ${i}`);
      const b = await attempt(unknown, `wrong password number ${i}`);
      expect(a.status, `attempt ${i + 1}`).toBe(i < SIGN_IN_FREE_FAILURES ? 400 : 429);
      expect(b.status, `attempt ${i + 1}`).toBe(a.status);
      expect(b.summary).toEqual(a.summary);
      expect(b.main).toBe(a.main);
    }
    // Throttled: the right password of the known email gets the very same answer, and so does any unknown email's.
    const right = await attempt(known.email, PASSWORD);
    const other = await attempt(unknown, PASSWORD);
    expect(right.status).toBe(429);
    expect(other.status).toBe(429);
    expect(other.main).toBe(right.main);
    expect(right.summary[0]).toMatch(
      /^Too many attempts to sign in\. For your security, wait until \d{1,2}:\d{2}.* If this is your account, we can email you a link/,
    );
    // Failures are counted per normalised email: case and spaces do not make a new one.
    expect((await attempt('  Nobody.THROTTLE@example.com ', 'another wrong password')).status).toBe(429);
    // Both pages offer the emailed link, and asking for it answers the same whether or not an account exists.
    const sentKnown = await askForUnlockLink(right.agent);
    const sentUnknown = await askForUnlockLink(other.agent);
    expect(sentUnknown.status).toBe(200);
    expect(sentUnknown.main.replaceAll(unknown, 'EMAIL')).toBe(sentKnown.main.replaceAll(known.email, 'EMAIL'));
    expect(await lastMessage(t, known.email, 'sign_in_unlock')).toBeDefined();
    expect(await lastMessage(t, unknown, 'sign_in_unlock')).toBeUndefined();
    t.clock.advance(2 * 3600_000);
  });

  it('lets the holder of a throttled address in through the emailed link and a second factor, while a guesser stays throttled', async () => {
    const holder = await signUpApplicant(t, 'holder.throttle@example.com', '10.44.5.1');
    for (let i = 0; i <= SIGN_IN_FREE_FAILURES; i++) await attempt(holder.email, `guessing the password ${i}`);
    // The holder, with the right password, is throttled like everyone else and asks for the link.
    const browser = fresh();
    await browser.get('/account/sign-in');
    expect((await browser.post('/account/sign-in', { email: holder.email, password: PASSWORD })).statusCode).toBe(429);
    await askForUnlockLink(browser);
    expect(browser.$('h1').text()).toBe('Check your email');
    const link = linkIn(
      (await lastMessage(t, holder.email, 'sign_in_unlock'))!.body,
      '/account/sign-in/unlock/link?token=',
    );
    // Opening the link shows a form (a mail scanner that opens it spends nothing).
    expect((await browser.get(link)).statusCode).toBe(200);
    expect(browser.$('main').text()).toContain(holder.email);
    const token = browser.$('input[name=token]').val() as string;
    // The guesser keeps guessing in the meantime, even with the right password: still throttled.
    expect((await attempt(holder.email, PASSWORD)).status).toBe(429);
    // The link takes the password, then the second step as always.
    let res = await browser.post('/account/sign-in/unlock/link', { token, password: 'not my password at all' });
    expect(res.statusCode).toBe(400);
    expect(browser.errorSummary()).toEqual(['The password is not correct.']);
    res = await browser.post('/account/sign-in/unlock/link', { token, password: PASSWORD });
    expect(res.headers.location).toBe('/account/sign-in/code');
    t.clock.advance(31_000);
    await browser.get('/account/sign-in/code');
    // The password alone is not a sign-in: a wrong code does not let the holder in.
    expect((await browser.post('/account/sign-in/code', { code: '000000' })).statusCode).toBe(400);
    res = await browser.post('/account/sign-in/code', { code: totpAt(t, holder.secret) });
    expect(res.headers.location).toBe('/account');
    expect((await browser.get('/account')).statusCode).toBe(200);
    // The address is still throttled for the password form.
    expect((await attempt(holder.email, PASSWORD)).status).toBe(429);
    t.clock.advance(2 * 3600_000);
  });

  it('starts the count again after a password reset by email', async () => {
    const holder = await signUpApplicant(t, 'reset.throttle@example.com', '10.44.7.1');
    for (let i = 0; i <= SIGN_IN_FREE_FAILURES; i++) await attempt(holder.email, `guessing the password ${i}`);
    expect((await attempt(holder.email, PASSWORD)).status).toBe(429);
    const browser = fresh();
    await browser.get('/account/forgot-password');
    await browser.post('/account/forgot-password', { email: holder.email });
    await browser.get(
      linkIn((await lastMessage(t, holder.email, 'reset_password'))!.body, '/account/reset-password?token='),
    );
    const fresher = 'a brand new passphrase for 2027';
    expect(
      (
        await browser.post('/account/reset-password', {
          token: browser.$('input[name=token]').val() as string,
          password: fresher,
          password_confirmation: fresher,
        })
      ).statusCode,
    ).toBe(303);
    expect((await signIn(t, fresh(), holder.email, holder.secret, fresher)).headers.location).toBe('/account');
    t.clock.advance(2 * 3600_000);
  });

  it('makes the link single-use, short-lived, and good for three passwords at most', async () => {
    const holder = await signUpApplicant(t, 'link.rules@example.com', '10.44.6.1');
    const newLink = async () => {
      const agent = fresh();
      await agent.get('/account/sign-in/unlock');
      expect((await agent.post('/account/sign-in/unlock', { email: holder.email })).statusCode).toBe(303);
      const link = linkIn(
        (await lastMessage(t, holder.email, 'sign_in_unlock'))!.body,
        '/account/sign-in/unlock/link?token=',
      );
      await agent.get(link);
      return { agent, link, token: agent.$('input[name=token]').val() as string };
    };
    // Used once: the link is spent.
    const first = await newLink();
    expect(
      (await first.agent.post('/account/sign-in/unlock/link', { token: first.token, password: PASSWORD })).headers
        .location,
    ).toBe('/account/sign-in/code');
    const again = fresh();
    expect((await again.get(first.link)).statusCode).toBe(410);
    await again.get('/account/sign-in');
    expect(
      (await again.post('/account/sign-in/unlock/link', { token: first.token, password: PASSWORD })).statusCode,
    ).toBe(410);
    // Expired after its time.
    t.clock.advance(1000);
    const second = await newLink();
    t.clock.advance(UNLOCK_LINK_TTL_MS + 1000);
    expect(
      (await second.agent.post('/account/sign-in/unlock/link', { token: second.token, password: PASSWORD })).statusCode,
    ).toBe(410);
    expect((await fresh().get(second.link)).statusCode).toBe(410);
    // Three wrong passwords spend it (the third answers that the link cannot be used any more).
    const third = await newLink();
    for (let i = 0; i < 3; i++)
      expect(
        (await third.agent.post('/account/sign-in/unlock/link', { token: third.token, password: `wrong again ${i}` }))
          .statusCode,
      ).toBe(i < 2 ? 400 : 410);
    expect(third.agent.$('main').text()).toContain('a wrong password was entered too many times');
    await third.agent.get('/account/sign-in');
    expect(
      (await third.agent.post('/account/sign-in/unlock/link', { token: third.token, password: PASSWORD })).statusCode,
    ).toBe(410);
  });
});
