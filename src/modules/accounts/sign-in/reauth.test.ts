import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { choosePasswordAndApp, lastMessage, PASSWORD, totpAt } from '../../../../test/accounts-support.js';
import { TestAgent } from '../../../../test/agent.js';
import { createTestApp, type TestApp } from '../../../../test/harness.js';
import { REAUTH_MAX_AGE_MS, safeAccountNext } from './reauth.js';

/**
 * Re-authentication before sensitive changes (issue 3 item 6): the 15-minute window since the session's last full
 * authentication, the password-then-second-factor page, its throttles, and a `next` that never leaves the account.
 */

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t?.close());

let n = 0;

/** A signed-in person (sign-up with an authenticator app). */
async function person(email: string) {
  const agent = new TestAgent(t.app, `10.88.0.${++n}`);
  await agent.get('/account/sign-up');
  await agent.post('/account/sign-up', { email, kind: 'applicant' });
  await agent.get(
    /\/account\/sign-up\/confirm\?token=\S+/.exec((await lastMessage(t, email, 'verify_email'))!.body)![0],
  );
  await agent.post('/account/sign-up/confirm', { token: agent.$('input[name=token]').val() as string });
  const secret = await choosePasswordAndApp(t, agent);
  await agent.post('/account/sign-up/backup-codes', {});
  return { agent, secret };
}

/** Keeps the session alive (under the idle limit) while time passes. */
async function stayActive(agent: TestAgent, ms: number) {
  for (let left = ms; left > 0; left -= 5 * 60_000) {
    t.clock.advance(Math.min(left, 5 * 60_000));
    expect((await agent.get('/account')).statusCode).toBe(200);
  }
}

describe('safeAccountNext', () => {
  it('keeps local account paths and refuses everything that could leave the site or loop', () => {
    expect(safeAccountNext('/account/two-step')).toBe('/account/two-step');
    expect(safeAccountNext('/account/settings/email?from=profile')).toBe('/account/settings/email?from=profile');
    for (const bad of [
      'https://evil.example/account/x',
      '//evil.example/account/',
      '/\\evil.example',
      '/account/../admin',
      '/account/./x',
      '/account//evil.example',
      '/account\\@evil.example',
      'javascript:alert(1)',
      '/staff',
      '/account',
      '/accountx/y',
      '/account/reauthenticate',
      '/account/reauthenticate/code',
      '/account/x?next=<script>',
      '/account/%2F%2Fevil',
      ' /account/x',
      '/account/x\n',
      42,
      undefined,
      `/account/${'a'.repeat(600)}`,
    ]) {
      expect(safeAccountNext(bad), String(bad)).toBeUndefined();
    }
  });
});

describe('re-authentication', () => {
  it('lets changes through for 15 minutes after sign-in, then asks for the password and a second factor and returns to the page', async () => {
    const p = await person('reauth@example.com');
    expect(REAUTH_MAX_AGE_MS).toBe(15 * 60_000);
    await stayActive(p.agent, 14 * 60_000);
    expect((await p.agent.get('/account/two-step/phone')).statusCode).toBe(200);
    await stayActive(p.agent, 2 * 60_000);
    let res = await p.agent.get('/account/two-step/phone');
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/account/reauthenticate?next=%2Faccount%2Ftwo-step%2Fphone');

    await p.agent.get(res.headers.location as string);
    expect(p.agent.$('h1').text()).toBe('Confirm it is you');
    expect(p.agent.$('.usa-alert--warning').length).toBe(0);
    // The second step is not reachable before the password.
    expect(
      (await p.agent.get('/account/reauthenticate/code?next=%2Faccount%2Ftwo-step%2Fphone')).headers.location,
    ).toBe('/account/reauthenticate?next=%2Faccount%2Ftwo-step%2Fphone');
    await p.agent.get('/account/reauthenticate?next=%2Faccount%2Ftwo-step%2Fphone');
    res = await p.agent.post('/account/reauthenticate', {
      password: 'wrong password entirely',
      next: '/account/two-step/phone',
    });
    expect(res.statusCode).toBe(400);
    expect(p.agent.errorSummary()[0]).toBe('The email address or password is not correct.');
    res = await p.agent.post('/account/reauthenticate', { password: PASSWORD, next: '/account/two-step/phone' });
    expect(res.headers.location).toBe('/account/reauthenticate/code?next=%2Faccount%2Ftwo-step%2Fphone');
    await p.agent.get(res.headers.location as string);
    expect(p.agent.$('h1').text()).toBe('Confirm it is you');
    expect(p.agent.$('input[name=next]').val()).toBe('/account/two-step/phone');
    t.clock.advance(30_000);
    res = await p.agent.post('/account/reauthenticate/code', {
      method: 'totp',
      code: totpAt(t, p.secret),
      next: '/account/two-step/phone',
    });
    expect(res.headers.location).toBe('/account/two-step/phone');
    expect((await p.agent.get('/account/two-step/phone')).statusCode).toBe(200);
  });

  it('tells a person whose form was refused to make the change again', async () => {
    const p = await person('again@example.com');
    await stayActive(p.agent, 16 * 60_000);
    await p.agent.get('/account/two-step');
    const res = await p.agent.post('/account/two-step/backup-codes', {});
    expect(res.headers.location).toBe('/account/reauthenticate?next=%2Faccount%2Ftwo-step%2Fbackup-codes&again=1');
    await p.agent.get(res.headers.location as string);
    expect(p.agent.$('.usa-alert--warning').text()).toContain('make your change again');
  });

  it('never redirects off the account, whatever next says', async () => {
    const p = await person('offsite@example.com');
    await stayActive(p.agent, 16 * 60_000);
    for (const next of ['https://evil.example/', '//evil.example/account/x', '/\\evil.example', '/account/../../x']) {
      await p.agent.get(`/account/reauthenticate?next=${encodeURIComponent(next)}`);
      expect(p.agent.$('input[name=next]').val(), next).toBe('/account');
      const res = await p.agent.post('/account/reauthenticate', { password: PASSWORD, next });
      expect(res.headers.location, next).toBe('/account/reauthenticate/code?next=%2Faccount');
      await p.agent.get('/account/reauthenticate/code');
      t.clock.advance(30_000);
      const done = await p.agent.post('/account/reauthenticate/code', {
        method: 'totp',
        code: totpAt(t, p.secret),
        next,
      });
      expect(done.headers.location, next).toBe('/account');
      await stayActive(p.agent, 16 * 60_000);
    }
  });

  it("is not slowed down by strangers' wrong passwords at the sign-in form (its own failures count)", async () => {
    const p = await person('reauth.victim@example.com');
    await stayActive(p.agent, 16 * 60_000);
    for (let i = 0; i < 8; i++) {
      const stranger = new TestAgent(t.app, `10.89.0.${i}`);
      await stranger.get('/account/sign-in');
      await stranger.post('/account/sign-in', {
        email: 'reauth.victim@example.com',
        password: `a stranger guessing ${i}`,
      });
    }
    expect(
      (
        await new TestAgent(t.app, '10.89.1.1').submit('/account/sign-in', {
          email: 'reauth.victim@example.com',
          password: PASSWORD,
        })
      ).statusCode,
    ).toBe(429);
    await p.agent.get('/account/reauthenticate');
    const res = await p.agent.post('/account/reauthenticate', { password: PASSWORD, next: '/account/two-step' });
    expect(res.statusCode).toBe(303);
  });

  it('has the sign-in throttles: wrong passwords slow down, wrong codes lock', async () => {
    const p = await person('throttle@example.com');
    await stayActive(p.agent, 16 * 60_000);
    await p.agent.get('/account/reauthenticate');
    let res;
    for (let i = 0; i < 6; i++)
      res = await p.agent.post('/account/reauthenticate', {
        password: `wrong ${i} password guess`,
        next: '/account/two-step',
      });
    expect(res!.statusCode).toBe(429);
    expect(p.agent.errorSummary()[0]).toMatch(/Too many attempts/);
    t.clock.advance(3 * 60_000);
    await p.agent.get('/account');
    res = await p.agent.post('/account/reauthenticate', { password: PASSWORD, next: '/account/two-step' });
    expect(res.statusCode).toBe(303);
    await p.agent.get('/account/reauthenticate/code');
    for (let i = 0; i < 10; i++)
      res = await p.agent.post('/account/reauthenticate/code', {
        method: 'totp',
        code: String(200000 + i),
        next: '/account/two-step',
      });
    expect(res!.statusCode).toBe(429);
    expect(p.agent.errorSummary()[0]).toMatch(/locked until/);
    // Still not recent: the change stays behind re-authentication.
    expect((await p.agent.get('/account/two-step/phone')).statusCode).toBe(303);
  });

  it('needs the password step to be recent: 5 minutes later it must be given again', async () => {
    const p = await person('slow@example.com');
    await stayActive(p.agent, 16 * 60_000);
    await p.agent.get('/account/reauthenticate');
    await p.agent.post('/account/reauthenticate', { password: PASSWORD, next: '/account/two-step' });
    await stayActive(p.agent, 6 * 60_000);
    const res = await p.agent.get('/account/reauthenticate/code?next=%2Faccount%2Ftwo-step');
    expect(res.headers.location).toBe('/account/reauthenticate?next=%2Faccount%2Ftwo-step');
  });

  it('is only for signed-in people', async () => {
    const anonymous = new TestAgent(t.app, '10.88.1.1');
    expect((await anonymous.get('/account/reauthenticate')).headers.location).toBe('/account/sign-in');
    expect(
      (await anonymous.post('/account/reauthenticate', { password: PASSWORD, _csrf: null })).statusCode,
    ).toBeGreaterThanOrEqual(400);
  });
});
