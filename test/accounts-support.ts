import { authenticator } from 'otplib';
import { expect } from 'vitest';
import { findAccountByEmail, findAccountById } from '../src/modules/accounts/index.js';
import { TestAgent } from './agent.js';
import type { TestApp } from './harness.js';

/** Journeys through the account pages shared by the route tests of several modules. */

export const PASSWORD = 'correct horse battery staple 42';

export function totpAt(t: TestApp, secret: string): string {
  return authenticator.clone({ epoch: t.clock.now().getTime() }).generate(secret);
}

/** The path (and query) of the first link to `path` in a message body. */
export function linkIn(body: string, path: string): string {
  const match = new RegExp(`https?://[^/\\s]+(${path.replace(/[?]/g, '\\?')}[^\\s]*)`).exec(body);
  if (!match) throw new Error(`no ${path} link in: ${body}`);
  return match[1]!;
}

/** The newest message of a template sent to an address. */
export async function lastMessage(t: TestApp, to: string, template: string) {
  return t.deps.database.db
    .selectFrom('notification_messages')
    .selectAll()
    .where('recipient', '=', to)
    .where('template', '=', template)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .executeTakeFirst();
}

/**
 * From a sign-up session (stage 'setup'): password, authenticator app, backup codes, as a person does it.
 * Answers the authenticator secret and the backup codes.
 */
export async function finishSetup(
  t: TestApp,
  agent: TestAgent,
  password = PASSWORD,
): Promise<{ secret: string; backupCodes: string[] }> {
  await agent.get('/account/sign-up/password');
  let res = await agent.post('/account/sign-up/password', { password, password_confirmation: password });
  expect(res.statusCode).toBe(303);
  await agent.get('/account/sign-up/authenticator');
  const secret = agent.$('.casedesk-secret').text().replace(/\s/g, '');
  expect(secret).toMatch(/^[A-Z2-7]{16,}$/);
  res = await agent.post('/account/sign-up/authenticator', { code: totpAt(t, secret) });
  expect(res.statusCode).toBe(200);
  const backupCodes = agent
    .$('.casedesk-codes code')
    .map((_, c) => agent.$(c).text())
    .get();
  // The download (a text file, without JavaScript) holds the same codes.
  const download = decodeURIComponent(
    (agent.$('a[download="backup-codes.txt"]').attr('href') ?? '').replace(/^data:text\/plain;charset=utf-8,/, ''),
  );
  for (const code of backupCodes) expect(download).toContain(code);
  res = await agent.post('/account/sign-up/backup-codes', {});
  expect(res.statusCode).toBe(303);
  return { secret, backupCodes };
}

/**
 * From a sign-up session (stage 'setup'): the password and the authenticator app, as `finishSetup` does but without
 * its checks, for tests that only need the account. Answers the authenticator secret.
 */
export async function choosePasswordAndApp(t: TestApp, agent: TestAgent, password = PASSWORD): Promise<string> {
  await agent.get('/account/sign-up/password');
  await agent.post('/account/sign-up/password', { password, password_confirmation: password });
  await agent.get('/account/sign-up/authenticator');
  const secret = agent.$('.casedesk-secret').text().replace(/\s/g, '');
  await agent.post('/account/sign-up/authenticator', { code: totpAt(t, secret) });
  return secret;
}

export interface Applicant {
  agent: TestAgent;
  email: string;
  accountId: string;
  secret: string;
  backupCodes: string[];
}

/** A whole applicant sign-up through the pages (email link, then finishSetup). */
export async function signUpApplicant(
  t: TestApp,
  email: string,
  ip: string,
  lang: 'en' | 'es' = 'en',
): Promise<Applicant> {
  const agent = new TestAgent(t.app, ip);
  await agent.get(`/account/sign-up?lang=${lang}`);
  expect((await agent.post('/account/sign-up', { email, kind: 'applicant' })).statusCode).toBe(303);
  const message = await lastMessage(t, email, 'verify_email');
  await agent.get(linkIn(message!.body, '/account/sign-up/confirm?token='));
  expect(
    (await agent.post('/account/sign-up/confirm', { token: agent.$('input[name=token]').val() as string })).statusCode,
  ).toBe(303);
  const { secret, backupCodes } = await finishSetup(t, agent);
  return { agent, email, accountId: await accountIdOf(t, email), secret, backupCodes };
}

/** The id of the account with this email (it must exist). */
export async function accountIdOf(t: TestApp, email: string): Promise<string> {
  const account = await findAccountByEmail(t.deps.database.db, email);
  if (!account) throw new Error(`no account for ${email}`);
  return account.id;
}

/** The Online Account Number of an account, as the agency's systems quote it. */
export async function onlineAccountNumber(t: TestApp, accountId: string): Promise<string> {
  const account = await findAccountById(t.deps.database.db, accountId);
  if (!account) throw new Error(`no account ${accountId}`);
  return account.online_account_number;
}

/** Password then authenticator code (30 s later, so the code is new); answers the final response. */
export async function signIn(t: TestApp, agent: TestAgent, email: string, secret: string, password = PASSWORD) {
  await agent.get('/account/sign-in');
  const res = await agent.post('/account/sign-in', { email, password });
  if (res.headers.location !== '/account/sign-in/code') return res;
  t.clock.advance(31_000);
  await agent.get('/account/sign-in/code');
  return agent.post('/account/sign-in/code', { code: totpAt(t, secret) });
}
