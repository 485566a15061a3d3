import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signIn, signUpApplicant, type Applicant } from '../../../test/accounts-support.js';
import { TestAgent } from '../../../test/agent.js';
import { createTestApp, type TestApp } from '../../../test/harness.js';
import { ADDRESS_FREE_FAILURES } from './service.js';

/**
 * Sign-in throttling per network address (issue 3 item 5), over every email an address tries, known or not.
 * The per-address request limit is raised here so that the failure-based throttle is what answers.
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
    const res = await agent.post('/account/sign-in', { email: `${prefix}-${i}@example.com`, password: 'guessing passwords here' });
    expect(res.statusCode).toBe(400);
  }
}

describe('sign-in throttling per address', () => {
  it(`lets an address fail ${ADDRESS_FREE_FAILURES} times across emails, then makes it wait, doubling, whichever email it tries`, async () => {
    const sprayer = new TestAgent(t.app, '10.44.1.1');
    await failFrom(sprayer, ADDRESS_FREE_FAILURES, 'spray');
    // The next try waits, even with the right password of a real account: the answer says until when.
    let res = await sprayer.post('/account/sign-in', { email: person.email, password: 'correct horse battery staple 42' });
    expect(res.statusCode).toBe(429);
    expect(sprayer.errorSummary()[0]).toMatch(/^Too many attempts to sign in\. For your security, wait until \d{1,2}:\d{2}/);
    // Another address is not affected.
    expect((await signIn(t, new TestAgent(t.app, '10.44.1.2'), person.email, person.secret)).headers.location).toBe('/account');
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
        const res = await guesser.post('/account/reset-password', { token: `guess-${i}-${'x'.repeat(30)}`, password: 'a new long passphrase 2026', password_confirmation: 'a new long passphrase 2026', _csrf: (guesser.$('input[name=_csrf]').val() as string) || null });
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
