import { authenticator } from 'otplib';
import { expect } from 'vitest';
import type { StaffRole } from '../src/modules/staff/index.js';
import { TestAgent } from './agent.js';
import type { TestApp } from './harness.js';

export const STAFF_PASSWORD = 'staff password for the tests 7';

export interface StaffPerson {
  agent: TestAgent;
  email: string;
  accountId: string;
  secret: string;
}

export function totpAt(t: TestApp, secret: string): string {
  return authenticator.clone({ epoch: t.clock.now().getTime() }).generate(secret);
}

/** The path of the first link to this site in a message body. */
export function linkIn(body: string, path: string): string {
  const match = new RegExp(`https?://[^/\\s]+(${path.replace(/[?]/g, '\\?')}[^\\s]*)`).exec(body);
  if (!match) throw new Error(`no ${path} link in: ${body}`);
  return match[1]!;
}

/**
 * A staff member invited by `inviter` (an admin's agent) or, without one, by the CLI path (as the first
 * administrator is), who accepts the invitation and finishes setting up: password, authenticator app, backup codes.
 */
export async function createStaffMember(t: TestApp, p: { email: string; name: string; roles: StaffRole[]; ip?: string; inviter?: TestAgent }): Promise<StaffPerson> {
  let path: string;
  if (p.inviter) {
    await p.inviter.get('/staff/admin/staff');
    const res = await p.inviter.post('/staff/admin/staff/invite', { display_name: p.name, email: p.email, roles: p.roles });
    expect(res.statusCode).toBe(303);
    const message = await t.deps.database.db.selectFrom('notification_messages').select('body').where('recipient', '=', p.email).where('template', '=', 'staff_invitation').orderBy('created_at', 'desc').executeTakeFirstOrThrow();
    path = linkIn(message.body, '/staff/invitation?token=');
  } else {
    const result = await t.services.staff.invite(null, { email: p.email, displayName: p.name, roles: p.roles });
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    path = result.link.replace(/^https?:\/\/[^/]+/, '');
  }
  const agent = new TestAgent(t.app, p.ip ?? '10.9.0.1');
  expect((await agent.get(path)).statusCode).toBe(200);
  let res = await agent.post('/staff/invitation', { token: agent.$('input[name=token]').val() as string });
  expect(res.headers.location).toBe('/account/sign-up/password');
  await agent.get('/account/sign-up/password');
  res = await agent.post('/account/sign-up/password', { password: STAFF_PASSWORD, password_confirmation: STAFF_PASSWORD });
  expect(res.statusCode).toBe(303);
  await agent.get('/account/sign-up/authenticator');
  const secret = agent.$('.casedesk-secret').text().replace(/\s/g, '');
  res = await agent.post('/account/sign-up/authenticator', { code: totpAt(t, secret) });
  expect(res.statusCode).toBe(200);
  res = await agent.post('/account/sign-up/backup-codes', {});
  expect(res.statusCode).toBe(303);
  const account = await t.deps.database.db.selectFrom('accounts').select('id').where('email', '=', p.email).executeTakeFirstOrThrow();
  return { agent, email: p.email, accountId: account.id, secret };
}

/** Signs a staff member in again (password, then a fresh authenticator code 30 s later). */
export async function signInStaff(t: TestApp, person: StaffPerson, ip = '10.9.0.2'): Promise<TestAgent> {
  const agent = new TestAgent(t.app, ip);
  await agent.get('/account/sign-in');
  let res = await agent.post('/account/sign-in', { email: person.email, password: STAFF_PASSWORD });
  expect(res.headers.location).toBe('/account/sign-in/code');
  t.clock.advance(31_000);
  await agent.get('/account/sign-in/code');
  res = await agent.post('/account/sign-in/code', { code: totpAt(t, person.secret) });
  expect(res.statusCode).toBe(303);
  return agent;
}
