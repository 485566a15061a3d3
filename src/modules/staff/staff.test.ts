import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestAgent } from '../../../test/agent.js';
import { createTestApp, type TestApp } from '../../../test/harness.js';
import { finishSetup, lastMessage } from '../../../test/accounts-support.js';
import {
  createStaffMember,
  linkIn,
  signInStaff,
  STAFF_PASSWORD,
  type StaffPerson,
} from '../../../test/staff-support.js';
import { INVITATION_TTL_MS } from './service.js';

let t: TestApp;
let admin: StaffPerson;
beforeAll(async () => {
  t = await createTestApp();
  admin = await createStaffMember(t, {
    email: 'first.admin@agency.example',
    name: 'Ada Admin',
    roles: ['administrator'],
  });
});
afterAll(async () => t?.close());

const auditActions = async (actorId: string) =>
  await t.deps.database.db
    .selectFrom('audit_log')
    .select(['action', 'subject_id', 'reason'])
    .where('actor_id', '=', actorId)
    .orderBy('id')
    .execute();

describe('staff accounts (issue 3 item 9)', () => {
  it('the first administrator, invited from the command line, lands in the staff workspace with the admin tools', async () => {
    const res = await admin.agent.get('/account');
    expect(res.headers.location).toBe('/staff');
    const home = await admin.agent.get('/staff');
    expect(home.statusCode).toBe(200);
    expect(admin.agent.$('h1').text()).toBe('Staff workspace');
    expect(admin.agent.$('nav .usa-sidenav a[href="/staff/admin/staff"]')).toHaveLength(1);
    // Tools of other roles are not offered.
    expect(admin.agent.$('a[href="/staff/help-desk"]')).toHaveLength(0);
    const inOutbox = await t.deps.database.db
      .selectFrom('notification_messages')
      .select('template')
      .where('recipient', '=', admin.email)
      .execute();
    expect(inOutbox.map((m) => m.template)).toContain('staff_invitation');
  });

  it('an administrator invites a Tier 1 agent, who sets up the account; the invitation is audited and single use', async () => {
    const agent = await createStaffMember(t, {
      email: 'tina.tier1@agency.example',
      name: 'Tina Tier',
      roles: ['tier1'],
      inviter: admin.agent,
      ip: '10.9.1.1',
    });
    const home = await agent.agent.get('/staff');
    expect(home.statusCode).toBe(200);
    expect(agent.agent.$('main').text()).toContain('Contact Center Tier 1');
    expect(agent.agent.$('a[href="/staff/admin/staff"]')).toHaveLength(0);
    const actions = await auditActions(admin.accountId);
    expect(actions.map((a) => a.action)).toContain('staff.invited');
    // The link cannot be used twice.
    const message = await t.deps.database.db
      .selectFrom('notification_messages')
      .select('body')
      .where('recipient', '=', 'tina.tier1@agency.example')
      .executeTakeFirstOrThrow();
    const stranger = new TestAgent(t.app, '10.9.1.2');
    expect((await stranger.get(linkIn(message.body, '/staff/invitation?token='))).statusCode).toBe(410);
  });

  it('refuses a Tier 1 agent and an applicant on administrator pages, and a visitor everywhere in staff', async () => {
    const tier1 = await createStaffMember(t, {
      email: 'tom.tier1@agency.example',
      name: 'Tom Tier',
      roles: ['tier1'],
      ip: '10.9.2.1',
    });
    expect((await tier1.agent.get('/staff/admin/staff')).statusCode).toBe(403);
    expect(tier1.agent.$('h1').text()).toBe('You do not have access to this page');
    await tier1.agent.get('/staff');
    expect(
      (await tier1.agent.post(`/staff/admin/staff/${tier1.accountId}/roles`, { roles: ['administrator'] })).statusCode,
    ).toBe(403);
    const roles = await t.deps.database.db
      .selectFrom('staff_roles')
      .select('role')
      .where('account_id', '=', tier1.accountId)
      .execute();
    expect(roles.map((r) => r.role)).toEqual(['tier1']);

    const visitor = new TestAgent(t.app, '10.9.2.2');
    const res = await visitor.get('/staff/admin/staff');
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/account/sign-in');
    expect(
      (
        await visitor.post('/staff/admin/staff/invite', {
          email: 'x@agency.example',
          display_name: 'X',
          roles: 'tier1',
          _csrf: null,
        })
      ).statusCode,
    ).toBeGreaterThanOrEqual(401);
  });

  it('validates invitations, and refuses an address that has a public account without creating anything', async () => {
    await admin.agent.get('/staff/admin/staff');
    let res = await admin.agent.post('/staff/admin/staff/invite', {
      display_name: '',
      email: 'not-an-email',
      roles: [],
    });
    expect(res.statusCode).toBe(400);
    expect(admin.agent.errorSummary()).toEqual([
      'Enter an email address in the format name@agency.gov',
      "Enter the person's full name",
      'Choose at least one role',
    ]);
    res = await admin.agent.post('/staff/admin/staff/invite', {
      display_name: 'Eve',
      email: 'eve@agency.example',
      roles: ['superuser'],
    });
    expect(res.statusCode).toBe(400);
    // An applicant's address cannot become a staff account.
    await t.services.accounts.startSignUp({ email: 'applicant.person@example.com', kind: 'applicant', language: 'en' });
    res = await admin.agent.post('/staff/admin/staff/invite', {
      display_name: 'App Person',
      email: 'applicant.person@example.com',
      roles: ['tier1'],
    });
    expect(res.statusCode).toBe(400);
    expect(admin.agent.errorSummary()[0]).toContain('public account');
    const invitations = await t.deps.database.db
      .selectFrom('staff_invitations')
      .select('email')
      .where('email', 'in', ['eve@agency.example', 'applicant.person@example.com'])
      .execute();
    expect(invitations).toEqual([]);
  });

  it('an invitation resumes until its setup is finished; administrators resend it, and re-inviting works (issue 15 item 6)', async () => {
    const email = 'paula.pause@agency.example';
    await admin.agent.get('/staff/admin/staff');
    await admin.agent.post('/staff/admin/staff/invite', { display_name: 'Paula Pause', email, roles: ['tier1'] });
    const first = linkIn((await lastMessage(t, email, 'staff_invitation'))!.body, '/staff/invitation?token=');
    const accept = async (agent: TestAgent, path: string) => {
      expect((await agent.get(path)).statusCode).toBe(200);
      return agent.post('/staff/invitation', { token: agent.$('input[name=token]').val() as string });
    };
    // Accepted, then left at the password step: the same link resumes the setup.
    expect((await accept(new TestAgent(t.app, '10.9.5.1'), first)).headers.location).toBe('/account/sign-up/password');
    expect((await accept(new TestAgent(t.app, '10.9.5.2'), first)).headers.location).toBe('/account/sign-up/password');
    // Inviting the address again is no "already has a staff account"; nor is "Resend invitation".
    await admin.agent.get('/staff/admin/staff');
    let res = await admin.agent.post('/staff/admin/staff/invite', {
      display_name: 'Paula Pause',
      email,
      roles: ['tier1'],
    });
    expect(res.statusCode).toBe(303);
    await admin.agent.get('/staff/admin/staff');
    const resend = admin.agent.$(`form[action="/staff/admin/staff/resend"] input[value="${email}"]`);
    expect(resend).toHaveLength(1);
    // A second later, so the resent message is the newest (messages of one instant have no order).
    t.clock.advance(1000);
    res = await admin.agent.post('/staff/admin/staff/resend', { email });
    expect(res.headers.location).toBe('/staff/admin/staff?invited=1');
    const latest = linkIn((await lastMessage(t, email, 'staff_invitation'))!.body, '/staff/invitation?token=');
    expect(latest).not.toBe(first);
    // The new link replaces the old ones; it finishes the setup, and after that it is spent.
    expect((await new TestAgent(t.app, '10.9.5.3').get(first)).statusCode).toBe(410);
    const paula = new TestAgent(t.app, '10.9.5.4');
    expect((await accept(paula, latest)).headers.location).toBe('/account/sign-up/password');
    await finishSetup(t, paula, STAFF_PASSWORD);
    expect((await paula.get('/staff')).statusCode).toBe(200);
    const spent = new TestAgent(t.app, '10.9.5.5');
    expect((await spent.get(latest)).statusCode).toBe(410);
    expect(spent.$('main').text()).toContain('ask your administrator');
    expect(spent.$('main a[href="/account/sign-in"]')).toHaveLength(1);
    await admin.agent.get('/staff/admin/staff');
    expect(admin.agent.$(`form[action="/staff/admin/staff/resend"] input[value="${email}"]`)).toHaveLength(0);
  });

  it('a resumed invitation keeps the roles an administrator set since, and withdrawn access ends the invitation', async () => {
    const invited = await t.services.staff.invite(null, {
      email: 'rita.resume@agency.example',
      displayName: 'Rita Resume',
      roles: ['tier2'],
    });
    if (!invited.ok) throw new Error('invite failed');
    const token = new URL(invited.link).searchParams.get('token')!;
    const accountId = (await t.services.staff.acceptInvitation(token))!;
    const actor = { accountId: admin.accountId, roles: ['administrator' as const] };
    expect(await t.services.staff.setRoles(actor, accountId, ['tier1'])).toEqual({ ok: true });
    // Left at the password step, resumed from the same link: the roles stay as the administrator set them.
    expect(await t.services.staff.acceptInvitation(token)).toBe(accountId);
    expect((await t.services.staff.find(accountId))?.roles).toEqual(['tier1']);
    // Access withdrawn before the setup was finished: the link no longer lets anyone in.
    expect(await t.services.staff.setAccess(actor, accountId, false, 'Did not join')).toEqual({ ok: true });
    expect(await t.services.staff.invitationUsable(token)).toBe(false);
    expect(await t.services.staff.acceptInvitation(token)).toBeUndefined();
  });

  it('an invitation expires after 72 hours; a new one replaces the old', async () => {
    const first = await t.services.staff.invite(null, {
      email: 'late.larry@agency.example',
      displayName: 'Larry Late',
      roles: ['tier2'],
    });
    const second = await t.services.staff.invite(null, {
      email: 'late.larry@agency.example',
      displayName: 'Larry Late',
      roles: ['tier2'],
    });
    if (!first.ok || !second.ok) throw new Error('invite failed');
    const agent = new TestAgent(t.app, '10.9.3.1');
    expect((await agent.get(first.link.replace(/^https?:\/\/[^/]+/, ''))).statusCode).toBe(410);
    t.clock.advance(INVITATION_TTL_MS + 1000);
    expect((await agent.get(second.link.replace(/^https?:\/\/[^/]+/, ''))).statusCode).toBe(410);
    const account = await t.deps.database.db
      .selectFrom('accounts')
      .select('id')
      .where('email', '=', 'late.larry@agency.example')
      .executeTakeFirst();
    expect(account).toBeUndefined();
    // Three days later the administrator's session has long ended: sign in again for the next tests.
    expect((await admin.agent.get('/staff')).headers.location).toBe('/account/sign-in');
    admin = { ...admin, agent: await signInStaff(t, admin, '10.9.3.9') };
  });

  it('an administrator changes roles (audited with before and after); the last administrator cannot lose the role', async () => {
    const person = await createStaffMember(t, {
      email: 'hal.helpdesk@agency.example',
      name: 'Hal Help',
      roles: ['tier1'],
      ip: '10.9.4.1',
    });
    await admin.agent.get(`/staff/admin/staff/${person.accountId}`);
    let res = await admin.agent.post(`/staff/admin/staff/${person.accountId}/roles`, { roles: ['help_desk', 'tier2'] });
    expect(res.headers.location).toBe(`/staff/admin/staff/${person.accountId}?done=roles`);
    const roles = await t.deps.database.db
      .selectFrom('staff_roles')
      .select('role')
      .where('account_id', '=', person.accountId)
      .orderBy('role')
      .execute();
    expect(roles.map((r) => r.role)).toEqual(['help_desk', 'tier2']);
    const audit = (await auditActions(admin.accountId)).filter((a) => a.action === 'staff.roles_changed');
    expect(audit.at(-1)!.subject_id).toBe(person.accountId);
    // The role takes effect on the next request: no sign-in needed.
    expect((await person.agent.get('/staff/help-desk')).statusCode).not.toBe(403);

    await admin.agent.get(`/staff/admin/staff/${admin.accountId}`);
    res = await admin.agent.post(`/staff/admin/staff/${admin.accountId}/roles`, { roles: ['tier1'] });
    expect(res.statusCode).toBe(400);
    expect(admin.agent.errorSummary()).toEqual(['There must always be at least one active administrator.']);
    res = await admin.agent.post(`/staff/admin/staff/${admin.accountId}/roles`, { roles: [] });
    expect(res.statusCode).toBe(400);
  });

  it('withdrawing access needs a reason, ends the sessions at once, and is audited; an admin cannot withdraw their own', async () => {
    const person = await createStaffMember(t, {
      email: 'ola.officer@agency.example',
      name: 'Ola Officer',
      roles: ['officer'],
      ip: '10.9.5.1',
    });
    await admin.agent.get(`/staff/admin/staff/${person.accountId}`);
    let res = await admin.agent.post(`/staff/admin/staff/${person.accountId}/access`, { enabled: 'false', reason: '' });
    expect(res.statusCode).toBe(400);
    res = await admin.agent.post(`/staff/admin/staff/${person.accountId}/access`, {
      enabled: 'false',
      reason: 'Left the agency',
    });
    expect(res.statusCode).toBe(303);
    expect((await person.agent.get('/staff')).headers.location).toBe('/account/sign-in');
    // Signing in again gets a session, but no staff page.
    const again = await signInStaff(t, person, '10.9.5.2');
    expect((await again.get('/staff')).statusCode).toBe(403);
    const audit = (await auditActions(admin.accountId)).filter((a) => a.action === 'staff.access_withdrawn');
    expect(audit.at(-1)).toMatchObject({ subject_id: person.accountId, reason: 'Left the agency' });
    // Restored.
    await admin.agent.get(`/staff/admin/staff/${person.accountId}`);
    res = await admin.agent.post(`/staff/admin/staff/${person.accountId}/access`, { enabled: 'true', reason: '' });
    expect(res.statusCode).toBe(303);
    expect((await again.get('/staff')).statusCode).toBe(200);
    // Not on oneself: the page has no such form, and the request is refused.
    await admin.agent.get(`/staff/admin/staff/${admin.accountId}`);
    expect(admin.agent.$('form[action$="/access"]')).toHaveLength(0);
    res = await admin.agent.post(`/staff/admin/staff/${admin.accountId}/access`, { enabled: 'false', reason: 'oops' });
    expect(res.statusCode).toBe(400);
  });

  it('staff set up and keep only an authenticator app or a passkey: no text or email codes', async () => {
    const invited = await t.services.staff.invite(null, {
      email: 'strong.sue@agency.example',
      displayName: 'Sue Strong',
      roles: ['tier2'],
    });
    if (!invited.ok) throw new Error('invite');
    const agent = new TestAgent(t.app, '10.9.6.1');
    await agent.get(invited.link.replace(/^https?:\/\/[^/]+/, ''));
    await agent.post('/staff/invitation', { token: agent.$('input[name=token]').val() as string });
    await agent.get('/account/sign-up/password');
    await agent.post('/account/sign-up/password', {
      password: 'staff password for the tests 7',
      password_confirmation: 'staff password for the tests 7',
    });
    await agent.get('/account/sign-up/authenticator');
    expect(agent.$('a[href="/account/sign-up/phone"], a[href="/account/sign-up/email"]')).toHaveLength(0);
    expect(agent.$('main').text()).toContain('Staff accounts use an authenticator app or a passkey');
    expect((await agent.get('/account/sign-up/phone')).statusCode).toBe(403);
    expect((await agent.get('/account/sign-up/email')).statusCode).toBe(403);
    // Signed in, the same holds on the two-step page.
    await admin.agent.get('/account/two-step');
    expect(admin.agent.$('a[href="/account/two-step/phone"], a[href="/account/two-step/email"]')).toHaveLength(0);
    expect((await admin.agent.get('/account/two-step/phone')).statusCode).toBe(403);
    // On the account pages they share, their menu leads to their workspace, not to an applicant's pages.
    await admin.agent.get('/account/sessions');
    const menu = admin.agent
      .$('nav[aria-label="Account menu"] a')
      .map((_, a) => admin.agent.$(a).attr('href'))
      .get();
    expect(menu).toEqual(['/staff', '/account/sessions', '/account/two-step']);
    // Their name and agency email are kept by administrators, not on the public profile pages.
    expect((await admin.agent.get('/account/settings')).headers.location).toBe('/staff');
    expect((await admin.agent.get('/account/profile')).headers.location).toBe('/staff');
  });

  it('the staff pages exist in Spanish', async () => {
    await admin.agent.get('/staff/admin/staff?lang=es');
    expect(admin.agent.$('h1').text()).toBe('Personal');
    expect(admin.agent.$('html').attr('lang')).toBe('es');
    await admin.agent.get('/staff?lang=en');
  });
});
