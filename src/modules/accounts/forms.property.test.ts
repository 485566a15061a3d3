import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestAgent } from '../../../test/agent.js';
import { createTestApp, type TestApp } from '../../../test/harness.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ env: { CASEDESK_GLOBAL_RATE_LIMIT_PER_MINUTE: '100000' } });
});
afterAll(async () => t?.close());

const count = async (table: 'accounts' | 'account_sessions' | 'notification_messages') =>
  Number(
    (
      await t.deps.database.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

const junk = fc.oneof(
  fc.string({ maxLength: 80, unit: 'binary' }),
  fc.constantFrom('', ' ', '@', 'a@', '@b.c', 'x'.repeat(400), '<script>', '\u0000'),
);

describe('account forms with random input', () => {
  it('never answer with a 5xx, and bad input writes nothing', async () => {
    const before = {
      accounts: await count('accounts'),
      sessions: await count('account_sessions'),
      messages: await count('notification_messages'),
    };
    let n = 0;
    await fc.assert(
      fc.asyncProperty(junk, junk, junk, async (a, b, c) => {
        const agent = new TestAgent(t.app, `10.77.${Math.floor(n / 200)}.${n++ % 200}`);
        await agent.get('/account/sign-up');
        const signUp = await agent.post('/account/sign-up', { email: a, kind: b });
        expect(signUp.statusCode).toBeLessThan(500);
        const signIn = await agent.post('/account/sign-in', { email: a, password: c });
        expect(signIn.statusCode).toBeLessThan(500);
        const forgot = await agent.post('/account/forgot-password', { email: b });
        expect(forgot.statusCode).toBeLessThan(500);
        const reset = await agent.post('/account/reset-password', { token: a, password: c, password_confirmation: c });
        expect(reset.statusCode).toBeLessThan(500);
        const confirm = await agent.post('/account/sign-up/confirm', { token: c });
        expect(confirm.statusCode).toBeLessThan(500);
        await agent.get('/account/sign-in/unlock');
        const unlock = await agent.post('/account/sign-in/unlock', { email: a });
        expect(unlock.statusCode).toBeLessThan(500);
        await agent.get('/account/sign-in/unlock');
        const link = await agent.post('/account/sign-in/unlock/link', { token: b, password: c });
        expect(link.statusCode).toBeLessThan(500);
        expect(
          (await agent.get(`/account/sign-in/unlock/link?token=${encodeURIComponent(a)}`)).statusCode,
        ).toBeLessThan(500);
      }),
      { numRuns: 40 },
    );
    // Random strings are not valid emails (fast-check's strings have no @-shaped domain), so nothing was created.
    expect(await count('accounts')).toBe(before.accounts);
    expect(await count('account_sessions')).toBe(before.sessions);
    expect(await count('notification_messages')).toBe(before.messages);
  });
});
