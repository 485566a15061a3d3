import { expect } from 'vitest';
import type { StaffRole } from '../src/modules/staff/index.js';
import { accountIdOf, finishSetup, lastMessage, linkIn, signIn } from './accounts-support.js';
import { TestAgent } from './agent.js';
import type { TestApp } from './harness.js';

export { linkIn, totpAt } from './accounts-support.js';
export const STAFF_PASSWORD = 'staff password for the tests 7';

export interface StaffPerson {
  agent: TestAgent;
  email: string;
  accountId: string;
  secret: string;
}

/**
 * A staff member invited by `inviter` (an admin's agent) or, without one, by the CLI path (as the first
 * administrator is), who accepts the invitation and finishes setting up: password, authenticator app, backup codes.
 */
export async function createStaffMember(
  t: TestApp,
  p: { email: string; name: string; roles: StaffRole[]; ip?: string; inviter?: TestAgent },
): Promise<StaffPerson> {
  let path: string;
  if (p.inviter) {
    await p.inviter.get('/staff/admin/staff');
    const res = await p.inviter.post('/staff/admin/staff/invite', {
      display_name: p.name,
      email: p.email,
      roles: p.roles,
    });
    expect(res.statusCode).toBe(303);
    path = linkIn((await lastMessage(t, p.email, 'staff_invitation'))!.body, '/staff/invitation?token=');
  } else {
    const result = await t.services.staff.invite(null, { email: p.email, displayName: p.name, roles: p.roles });
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    path = result.link.replace(/^https?:\/\/[^/]+/, '');
  }
  const agent = new TestAgent(t.app, p.ip ?? '10.9.0.1');
  expect((await agent.get(path)).statusCode).toBe(200);
  const res = await agent.post('/staff/invitation', { token: agent.$('input[name=token]').val() as string });
  expect(res.headers.location).toBe('/account/sign-up/password');
  const { secret } = await finishSetup(t, agent, STAFF_PASSWORD);
  return { agent, email: p.email, accountId: await accountIdOf(t, p.email), secret };
}

/** Signs a staff member in again (password, then a fresh authenticator code). */
export async function signInStaff(t: TestApp, person: StaffPerson, ip = '10.9.0.2'): Promise<TestAgent> {
  const agent = new TestAgent(t.app, ip);
  const res = await signIn(t, agent, person.email, person.secret, STAFF_PASSWORD);
  expect(res.statusCode).toBe(303);
  return agent;
}

/**
 * A staff account row with no person behind it (no password, no sign-in), for tests of services whose foreign keys
 * want a real account. Answers its id.
 */
export async function insertStaffAccount(
  t: TestApp,
  email: string,
  onlineAccountNumber = String(700000000000 + Math.floor(Math.random() * 99_999_999_999)),
): Promise<string> {
  const id = t.deps.random.uuid();
  await t.deps.database.db
    .insertInto('accounts')
    .values({
      id,
      kind: 'staff',
      email,
      language: 'en',
      online_account_number: onlineAccountNumber,
      created_at: new Date(),
      activated_at: new Date(),
    })
    .execute();
  return id;
}
