import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountIdOf, choosePasswordAndApp } from '../../../../test/accounts-support.js';
import { TestAgent } from '../../../../test/agent.js';
import { createTestApp, type TestApp } from '../../../../test/harness.js';
import { REPRESENTATIVE_FIELDS } from './representatives.js';

/**
 * Every profile and settings form with random input: never a 5xx, and a refused form (4xx) changes nothing: not
 * the account, not the representative profile, no link, no message, no security event.
 */

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ env: { CASEDESK_GLOBAL_RATE_LIMIT_PER_MINUTE: '100000' } });
});
afterAll(async () => t?.close());

const db = () => t.deps.database.db;

async function signUp(
  email: string,
  kind: 'applicant' | 'representative',
  ip: string,
): Promise<{ agent: TestAgent; id: string }> {
  const agent = new TestAgent(t.app, ip);
  await agent.get('/account/sign-up');
  await agent.post('/account/sign-up', { email, kind });
  const message = await db()
    .selectFrom('notification_messages')
    .select('body')
    .where('recipient', '=', email)
    .where('template', '=', 'verify_email')
    .executeTakeFirstOrThrow();
  await agent.get(/\/account\/sign-up\/confirm\?token=\S+/.exec(message.body)![0]);
  await agent.post('/account/sign-up/confirm', { token: agent.$('input[name=token]').val() as string });
  const secret = await choosePasswordAndApp(t, agent);
  expect((await agent.post('/account/sign-up/backup-codes', {})).statusCode).toBe(303);
  return { agent, id: await accountIdOf(t, email) };
}

/** Everything a profile or settings form could write. */
async function snapshot() {
  const count = async (
    table: 'representative_profiles' | 'account_tokens' | 'notification_messages' | 'account_security_events',
  ) =>
    Number(
      (
        await db()
          .selectFrom(table)
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  return {
    accounts: JSON.stringify(await db().selectFrom('accounts').selectAll().orderBy('id').execute()),
    profiles: JSON.stringify(
      await db().selectFrom('representative_profiles').selectAll().orderBy('account_id').execute(),
    ),
    usedTokens: await db()
      .selectFrom('account_tokens')
      .select('token_hash')
      .where('used_at', 'is not', null)
      .execute()
      .then((r) => r.length),
    tokens: await count('account_tokens'),
    messages: await count('notification_messages'),
    events: await count('account_security_events'),
  };
}

const junk = fc.oneof(
  fc.string({ maxLength: 60, unit: 'binary' }),
  fc.constantFrom(
    '',
    ' ',
    '@',
    'a@',
    '@b.c',
    'x'.repeat(600),
    '<script>alert(1)</script>',
    '\u0000',
    '99999',
    '02',
    '2099',
    'es',
    'fr',
    'email',
    'text',
    'attorney',
    'ZZ',
    'NY',
    '+1',
  ),
);
/** A form field may also arrive repeated (an array) or be missing. */
const field = fc.oneof(junk, fc.array(junk, { maxLength: 3 }), fc.constant(undefined));

describe('profile and settings forms with random input', () => {
  it('never answer with a 5xx, and a refused form writes nothing', async () => {
    const applicant = await signUp('fuzz-applicant@example.com', 'applicant', '10.66.0.1');
    const representative = await signUp('fuzz-rep@example.com', 'representative', '10.66.0.2');
    const forms: { agent: TestAgent; page: string; action: string; fields: readonly string[] }[] = [
      {
        agent: applicant.agent,
        page: '/account/profile/name',
        action: '/account/profile/name',
        fields: ['given_name', 'middle_name', 'family_name'],
      },
      {
        agent: representative.agent,
        page: '/account/profile/representative',
        action: '/account/profile/representative',
        fields: REPRESENTATIVE_FIELDS,
      },
      {
        agent: applicant.agent,
        page: '/account/profile',
        action: '/account/profile/representative',
        fields: REPRESENTATIVE_FIELDS,
      },
      { agent: applicant.agent, page: '/account/settings', action: '/account/settings/language', fields: ['language'] },
      {
        agent: applicant.agent,
        page: '/account/settings',
        action: '/account/settings/notifications',
        fields: ['notify'],
      },
      { agent: applicant.agent, page: '/account/settings/email', action: '/account/settings/email', fields: ['email'] },
      {
        agent: applicant.agent,
        page: '/account/settings/recovery-email',
        action: '/account/settings/recovery-email',
        fields: ['recovery_email'],
      },
      {
        agent: applicant.agent,
        page: '/account/settings',
        action: '/account/settings/email/confirm',
        fields: ['token'],
      },
      {
        agent: applicant.agent,
        page: '/account/settings',
        action: '/account/settings/recovery-email/confirm',
        fields: ['token'],
      },
    ];
    let refused = 0;
    for (const form of forms) {
      const statuses = new Set<number>();
      await form.agent.get(form.page);
      const csrf = form.agent.$('input[name=_csrf]').first().val() as string;
      await fc.assert(
        fc.asyncProperty(
          fc.array(field, { minLength: form.fields.length, maxLength: form.fields.length }),
          async (values) => {
            const body = new URLSearchParams([['_csrf', csrf]]);
            form.fields.forEach((name, i) => {
              const value = values[i];
              for (const v of value === undefined ? [] : Array.isArray(value) ? value : [value]) body.append(name, v);
            });
            const before = await snapshot();
            const res = await t.app.inject({
              method: 'POST',
              url: form.action,
              headers: { cookie: form.agent.cookieHeader, 'content-type': 'application/x-www-form-urlencoded' },
              payload: body.toString(),
              remoteAddress: '10.66.0.9',
            });
            expect(res.statusCode, `${form.action} ${body.toString().slice(0, 300)}`).toBeLessThan(500);
            statuses.add(res.statusCode);
            if (res.statusCode >= 400) {
              refused++;
              expect(await snapshot(), `${form.action} refused but wrote something`).toEqual(before);
            }
          },
        ),
        { numRuns: 25 },
      );
      // The forms were really judged (a CSRF refusal, 403, would prove nothing about them).
      expect(
        [...statuses].filter((s) => s !== 403),
        form.action,
      ).not.toEqual([]);
      expect(statuses.has(403), form.action).toBe(false);
    }
    // The random input is overwhelmingly bad: the assertion above ran many times.
    expect(refused).toBeGreaterThan(150);
    // Two sign-ups (password hashing) and a few hundred posts: more than the default 30 s on a busy shared machine.
  }, 120_000);
});
