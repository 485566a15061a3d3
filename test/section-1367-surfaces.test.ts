import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maySeeProtectedCases } from '../src/modules/cases/capabilities.js';
import type { StaffRole } from '../src/platform/db/tables.js';
import { TestAgent } from './agent.js';
import { signUpApplicant, type Applicant } from './accounts-support.js';
import { apiToken, createTestApp, type TestApp } from './harness.js';
import { createStaffMember, type StaffPerson } from './staff-support.js';

/**
 * Section 1367 (VAWA, T, U) at the seams between surfaces (issue 13 items 1-6; CC-6): only the holder and those the
 * case policy allows ever learn that a protected case exists. The sweep of every staff page is test/section-1367.test.ts;
 * this file follows one protected case through adding it to accounts, e-Request's status page, the help desk, logging
 * a call, status messages and the officers' designation.
 */

let t: TestApp;
let token = '';
let admin: StaffPerson;
let tier1: StaffPerson;
let tier2: StaffPerson;
let desk: StaffPerson;
let officer: StaffPerson;
let unit: StaffPerson;
let holder: Applicant;
let other: Applicant;

const LEGACY = 'EAC0913670001'; // added by receipt number before it is protected
const LEGACY_PROTECTED = 'EAC0913670002'; // protected from the start
const ONLINE = 'IOE0913670003'; // filed online by the holder, protected later
const ORDINARY = 'IOE0913670004';
const BIRTH = { familyName: 'Reyes', dateOfBirth: '1984-05-06' };
const at = (day: string) => `${day}T15:00:00Z`;

const events = async (payload: unknown[]) => {
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/v1/case-events',
    headers: { authorization: `Bearer ${token}` },
    payload: payload as object[],
  });
  expect(res.statusCode, res.body).toBe(200);
};
const db = () => t.deps.database.db;
const caseIdOf = async (receipt: string) =>
  (await db().selectFrom('cases').select('id').where('receipt_number', '=', receipt).executeTakeFirstOrThrow()).id;
const oanOf = async (accountId: string) =>
  (
    await db()
      .selectFrom('accounts')
      .select('online_account_number')
      .where('id', '=', accountId)
      .executeTakeFirstOrThrow()
  ).online_account_number;
const statusMessages = (...emails: string[]) =>
  db()
    .selectFrom('notification_messages')
    .select(['template', 'subject', 'body'])
    .where('recipient', 'in', emails.length ? emails : [holder.email, other.email])
    .where('template', 'in', ['case_status_changed', 'case_update_available'])
    .orderBy('created_at')
    .orderBy('id')
    .execute();
const addByReceipt = (who: Applicant, receiptNumber: string, details = BIRTH) =>
  t.services.accountCases.addByReceiptNumber({ id: who.accountId, kind: 'applicant' }, { receiptNumber, ...details });

beforeAll(async () => {
  t = await createTestApp();
  ({ token } = await apiToken(t, ['case_events:write']));
  admin = await createStaffMember(t, {
    email: 'admin.1367@agency.example',
    name: 'Ada Admin',
    roles: ['administrator'],
    ip: '10.67.0.1',
  });
  tier1 = await createStaffMember(t, {
    email: 'tier1.1367@agency.example',
    name: 'Toni One',
    roles: ['tier1'],
    ip: '10.67.0.2',
  });
  tier2 = await createStaffMember(t, {
    email: 'tier2.1367@agency.example',
    name: 'Tess Two',
    roles: ['tier2'],
    ip: '10.67.0.3',
  });
  desk = await createStaffMember(t, {
    email: 'desk.1367@agency.example',
    name: 'Dee Desk',
    roles: ['help_desk'],
    ip: '10.67.0.4',
  });
  officer = await createStaffMember(t, {
    email: 'officer.1367@agency.example',
    name: 'Otto Officer',
    roles: ['officer'],
    ip: '10.67.0.5',
  });
  unit = await createStaffMember(t, {
    email: 'unit.1367@agency.example',
    name: 'Uma Unit',
    roles: ['officer', 'protected_cases'],
    ip: '10.67.0.6',
  });
  holder = await signUpApplicant(t, 'holder.1367@example.com', '10.67.1.1');
  other = await signUpApplicant(t, 'other.1367@example.com', '10.67.1.2');
  await events([
    {
      id: 's-1',
      receiptNumber: LEGACY,
      type: 'case_received',
      occurredAt: at('2026-03-01'),
      payload: { formCode: 'I-130', applicant: BIRTH },
    },
    {
      id: 's-2',
      receiptNumber: LEGACY_PROTECTED,
      type: 'case_received',
      occurredAt: at('2026-03-01'),
      payload: { formCode: 'I-485', applicant: BIRTH },
    },
    {
      id: 's-3',
      receiptNumber: LEGACY_PROTECTED,
      type: 'protection_updated',
      occurredAt: at('2026-03-02'),
      payload: { section1367: true },
    },
    {
      id: 's-4',
      receiptNumber: ONLINE,
      type: 'case_received',
      occurredAt: at('2026-03-01'),
      payload: {
        formCode: 'I-485',
        channel: 'online',
        onlineAccountNumber: await oanOf(holder.accountId),
        applicant: BIRTH,
      },
    },
    {
      id: 's-5',
      receiptNumber: ORDINARY,
      type: 'case_received',
      occurredAt: at('2026-03-01'),
      payload: { formCode: 'I-765', applicant: BIRTH },
    },
  ]);
}, 240_000);
afterAll(async () => t?.close());

describe('adding a protected case by receipt number (item 1)', () => {
  it('answers exactly like no match, for every account, and counts as a failed attempt', async () => {
    const wrong = await addByReceipt(other, LEGACY, { ...BIRTH, dateOfBirth: '1984-05-07' });
    const protectedOne = await addByReceipt(other, LEGACY_PROTECTED);
    expect(wrong).toEqual({ ok: false, problem: 'no_match' });
    expect(protectedOne).toEqual(wrong);
    const failures = await db()
      .selectFrom('account_security_events')
      .select('kind')
      .where('account_id', '=', other.accountId)
      .where('kind', '=', 'case_add_failed')
      .execute();
    expect(failures).toHaveLength(2);
    // Through the page too: the same message as a wrong date of birth.
    await other.agent.get('/account/cases/add');
    await other.agent.post('/account/cases/add/receipt-number', {
      receipt_number: LEGACY_PROTECTED,
      family_name: 'Reyes',
      rdob_month: '5',
      rdob_day: '6',
      rdob_year: '1984',
    });
    expect(other.agent.errorSummary()).toEqual(['The details do not match our records. Check them and try again.']);
    expect(
      await db()
        .selectFrom('account_cases')
        .select('account_id')
        .where('case_id', '=', await caseIdOf(LEGACY_PROTECTED))
        .execute(),
    ).toEqual([]);
  });

  it('suspends earlier receipt-number links when the case becomes protected, until an officer of the unit confirms the holder', async () => {
    expect(await addByReceipt(holder, LEGACY)).toEqual({ ok: true, receiptNumber: LEGACY });
    expect(await addByReceipt(other, LEGACY)).toEqual({ ok: true, receiptNumber: LEGACY });
    await events([
      {
        id: 's-6',
        receiptNumber: LEGACY,
        type: 'protection_updated',
        occurredAt: at('2026-04-01'),
        payload: { section1367: true },
      },
    ]);
    for (const who of [holder, other]) {
      expect(await t.services.accountCases.card(who.accountId, LEGACY)).toBeUndefined();
      expect((await t.services.accountCases.list(who.accountId)).map((c) => c.receipt_number)).not.toContain(LEGACY);
      expect((await who.agent.get(`/account/cases/${LEGACY}`)).statusCode).toBe(404);
      await who.agent.get('/account/cases');
      expect(who.agent.$('main').text()).not.toContain(LEGACY);
    }
    // No status message reaches a suspended link.
    const before = (await statusMessages()).length;
    await events([{ id: 's-7', receiptNumber: LEGACY, type: 'approved', occurredAt: at('2026-04-02'), payload: {} }]);
    expect((await statusMessages()).length).toBe(before);

    // An officer without the designation does not even find the case; one of the unit reviews the links.
    expect((await officer.agent.get(`/officer/cases/${LEGACY}`)).statusCode).toBe(404);
    await unit.agent.get(`/officer/cases/${LEGACY}`);
    expect(unit.agent.$('#links-heading').text()).toBe('Accounts waiting for review');
    expect(unit.agent.$('main').text()).toContain(holder.email);
    let res = await unit.agent.post(`/officer/cases/${LEGACY}/links/${holder.accountId}`, {
      decision: 'confirm',
      reason: '',
    });
    expect(res.statusCode).toBe(400);
    await unit.agent.get(`/officer/cases/${LEGACY}`);
    res = await unit.agent.post(`/officer/cases/${LEGACY}/links/${holder.accountId}`, {
      decision: 'confirm',
      reason: 'Identity checked by phone with Tier 3',
    });
    expect(res.headers.location).toBe(`/officer/cases/${LEGACY}?done=link`);
    await unit.agent.get(`/officer/cases/${LEGACY}`);
    res = await unit.agent.post(`/officer/cases/${LEGACY}/links/${other.accountId}`, {
      decision: 'remove',
      reason: 'Not the self-petitioner',
    });
    expect(res.statusCode).toBe(303);
    expect((await t.services.accountCases.card(holder.accountId, LEGACY))?.view.receiptNumber).toBe(LEGACY);
    expect(await t.services.accountCases.card(other.accountId, LEGACY)).toBeUndefined();
    expect(
      await db()
        .selectFrom('account_cases')
        .select('account_id')
        .where('case_id', '=', await caseIdOf(LEGACY))
        .execute(),
    ).toEqual([{ account_id: holder.accountId }]);
    const audit = await db()
      .selectFrom('audit_log')
      .select(['action', 'actor_id'])
      .where('action', 'in', ['officer.link_confirmed', 'officer.link_removed'])
      .orderBy('id')
      .execute();
    expect(audit).toEqual([
      { action: 'officer.link_confirmed', actor_id: unit.accountId },
      { action: 'officer.link_removed', actor_id: unit.accountId },
    ]);
    // A confirmed holder is not suspended again by a later protection.
    await events([
      {
        id: 's-8',
        receiptNumber: LEGACY,
        type: 'protection_updated',
        occurredAt: at('2026-04-03'),
        payload: { section1367: false },
      },
      {
        id: 's-9',
        receiptNumber: LEGACY,
        type: 'protection_updated',
        occurredAt: at('2026-04-04'),
        payload: { section1367: true },
      },
    ]);
    expect(await t.services.accountCases.card(holder.accountId, LEGACY)).toBeDefined();
  });
});

describe('the holder of a suspended link (item 1)', () => {
  it('gets the case back with the Online Access Code of an account acceptance notice', async () => {
    const receipt = 'EAC0913670007';
    await events([
      {
        id: 's-20',
        receiptNumber: receipt,
        type: 'case_received',
        occurredAt: at('2026-03-01'),
        payload: { formCode: 'I-130', applicant: BIRTH },
      },
    ]);
    expect(await addByReceipt(holder, receipt)).toEqual({ ok: true, receiptNumber: receipt });
    await events([
      {
        id: 's-21',
        receiptNumber: receipt,
        type: 'protection_updated',
        occurredAt: at('2026-04-01'),
        payload: { section1367: true },
      },
    ]);
    expect(await t.services.accountCases.card(holder.accountId, receipt)).toBeUndefined();
    await events([
      {
        id: 's-22',
        receiptNumber: receipt,
        type: 'account_acceptance_notice',
        occurredAt: t.clock.now().toISOString(),
        payload: { onlineAccessCode: 'SUSPN-1367-CODE7' },
      },
    ]);
    const added = await t.services.accountCases.addWithAccessCode(
      { id: holder.accountId, kind: 'applicant' },
      { code: 'SUSPN-1367-CODE7', dateOfBirth: BIRTH.dateOfBirth },
    );
    expect(added).toEqual({ ok: true, receiptNumber: receipt });
    expect((await t.services.accountCases.card(holder.accountId, receipt))?.view.receiptNumber).toBe(receipt);
    const link = await db()
      .selectFrom('account_cases')
      .select(['suspended_at', 'added_via'])
      .where('account_id', '=', holder.accountId)
      .where('case_id', '=', await caseIdOf(receipt))
      .executeTakeFirstOrThrow();
    expect(link).toEqual({ suspended_at: null, added_via: 'online_access_code' });
  });
});

describe('status messages of a protected case (item 5)', () => {
  it('say only that there is an update in the account; before the protection the holder heard the whole status', async () => {
    // Before the protection, the holder of the online filing heard the whole status.
    expect((await statusMessages(holder.email)).map((m) => m.template)).toEqual(['case_status_changed']);
    expect((await statusMessages(holder.email))[0]!.subject).toContain(ONLINE);
    await events([
      {
        id: 's-10',
        receiptNumber: ONLINE,
        type: 'protection_updated',
        occurredAt: at('2026-05-01'),
        payload: { section1367: true },
      },
    ]);
    await events([
      { id: 's-11', receiptNumber: ONLINE, type: 'fingerprints_taken', occurredAt: at('2026-05-02'), payload: {} },
    ]);
    const all = await statusMessages(holder.email);
    expect(all.map((m) => m.template).sort()).toEqual(['case_status_changed', 'case_update_available']);
    const messages = all.filter((m) => m.template === 'case_update_available');
    const text = `${messages[0]!.subject} ${messages[0]!.body}`;
    expect(messages[0]!.subject).toBe('There is an update in your account');
    for (const secret of [ONLINE, 'I-485', 'Fingerprint', 'fingerprint', 'T Nonimmigrant'])
      expect(text).not.toContain(secret);
    expect(text).toContain('/account');
  });
});

describe('the public e-Request status page (item 2)', () => {
  it('stops showing a request and its answers once its case becomes protected', async () => {
    const ordinary = 'IOE0913670005';
    await events([
      {
        id: 's-12',
        receiptNumber: ordinary,
        type: 'case_received',
        occurredAt: at('2026-03-01'),
        payload: { formCode: 'I-765', applicant: BIRTH },
      },
    ]);
    const visitor = new TestAgent(t.app, '10.67.2.1');
    await visitor.get('/e-request/expedite-request');
    const res = await visitor.post('/e-request/expedite-request', {
      receipt_number: ordinary,
      dob_month: '05',
      dob_day: '06',
      dob_year: '1984',
      criterion: 'urgent_humanitarian',
      description: 'Please.',
      given_name: 'Rosa',
      family_name: 'Reyes',
      requester_role: 'applicant',
      email: 'rosa.1367@example.com',
      phone: '(202) 555-0147',
    });
    expect(res.statusCode).toBe(303);
    const item = await db()
      .selectFrom('service_items')
      .selectAll()
      .where('contact_email', '=', 'rosa.1367@example.com')
      .executeTakeFirstOrThrow();
    await t.services.serviceItems.reply(
      item.id,
      { accountId: tier2.accountId, roles: ['tier2'] },
      'ANSWER-TEXT about your I-765',
    );
    const check = async () => {
      const agent = new TestAgent(t.app, '10.67.2.2');
      await agent.get('/e-request/status');
      const r = await agent.post('/e-request/status', { number: String(item.number), email: 'rosa.1367@example.com' });
      return { status: r.statusCode, text: agent.$('main').text() };
    };
    expect((await check()).text).toContain('ANSWER-TEXT');
    await events([
      {
        id: 's-13',
        receiptNumber: ordinary,
        type: 'protection_updated',
        occurredAt: at('2026-05-01'),
        payload: { section1367: true },
      },
    ]);
    const after = await check();
    expect(after.status).toBe(404);
    expect(after.text).not.toContain('ANSWER-TEXT');
    expect(after.text).toContain('We could not find a request with this service item number and email address');
  });
});

describe('help desk pages (item 3)', () => {
  it('neither list nor open an item once its case is protected, escalated and resolved ones included', async () => {
    const caseId = await caseIdOf(ORDINARY);
    const { item } = await t.services.serviceItems.createRouted({
      channel: 'secure_message',
      type: 'case_inquiry',
      contact: { name: 'Holder', email: holder.email },
      language: 'en',
      subject: 'HELPDESK-MARK',
      description: 'HELPDESK-MARK body',
      caseId,
      accountId: holder.accountId,
    });
    // It went through the Tier 2 callback queue and was resolved there.
    await db()
      .updateTable('service_items')
      .set({ queue: 'tier2', status: 'resolved', resolution: 'answered', resolved_at: t.clock.now() })
      .where('id', '=', item.id)
      .execute();
    await t.services.serviceItems.record(item.id, {
      kind: 'escalated',
      actorId: desk.accountId,
      body: 'to Tier 2',
      details: { to: 'tier2' },
    });
    expect((await tier2.agent.get(`/staff/help-desk/items/${String(item.number)}`)).statusCode).toBe(200);
    await desk.agent.get(`/staff/help-desk/accounts/${holder.accountId}`);
    expect(desk.agent.$('main').text()).toContain(`#${String(item.number)}`);

    await events([
      {
        id: 's-14',
        receiptNumber: ORDINARY,
        type: 'protection_updated',
        occurredAt: at('2026-05-01'),
        payload: { section1367: true },
      },
    ]);
    for (const who of [tier2, desk]) {
      const res = await who.agent.get(`/staff/help-desk/items/${String(item.number)}`);
      expect(res.statusCode).toBe(404);
      expect(res.body).not.toContain('HELPDESK-MARK');
    }
    await desk.agent.get(`/staff/help-desk/accounts/${holder.accountId}`);
    expect(desk.agent.$('main').text()).not.toContain(`#${String(item.number)}`);
    expect(desk.agent.$('main').text()).not.toContain('HELPDESK-MARK');
    await tier2.agent.get('/staff/help-desk');
    expect(tier2.agent.$('main').text()).not.toContain('HELPDESK-MARK');
  });
});

describe('logging a call (item 4)', () => {
  it('ends the same way for Tier 1 whether the receipt number is unknown, protected or ordinary; the protected one goes to Tier 3', async () => {
    const outcomes: { status: number; location: string; notice: string }[] = [];
    const ordinary = 'IOE0913670006';
    await events([
      {
        id: 's-15',
        receiptNumber: ordinary,
        type: 'case_received',
        occurredAt: at('2026-03-01'),
        payload: { formCode: 'I-765' },
      },
    ]);
    for (const receipt of ['IOE0913679999', LEGACY_PROTECTED, ordinary]) {
      await tier1.agent.get('/agent/new');
      const res = await tier1.agent.post('/agent/new', {
        channel: 'phone',
        type: 'case_inquiry',
        name: 'Caller',
        email: 'caller.1367@example.com',
        phone: '',
        language: 'en',
        receipt_number: receipt,
        subject: 'Status',
        description: 'Asks about the case',
      });
      const location = String(res.headers.location ?? '');
      await tier1.agent.get(location || '/agent');
      outcomes.push({
        status: res.statusCode,
        location: location.replace(/\d+$/, 'N'),
        notice: tier1.agent.$('.usa-alert').first().text().replace(/\d+/g, 'N').trim(),
      });
    }
    expect(outcomes[0]).toEqual({
      status: 303,
      location: '/agent?logged=N',
      notice: expect.stringContaining('was logged'),
    });
    expect(outcomes[1]).toEqual(outcomes[0]);
    expect(outcomes[2]).toEqual(outcomes[0]);
    const items = await db()
      .selectFrom('service_items')
      .select(['receipt_number', 'queue', 'section_1367', 'case_id'])
      .where('contact_email', '=', 'caller.1367@example.com')
      .orderBy('number')
      .execute();
    expect(items.map((i) => [i.receipt_number, i.section_1367, i.case_id === null])).toEqual([
      ['IOE0913679999', false, true],
      [LEGACY_PROTECTED, true, false],
      [ordinary, false, false],
    ]);
    expect(items[1]!.queue).toBe('tier3');
    // The unknown number's case arrives later and is protected: the item logged before it is linked and protected too.
    await events([
      {
        id: 's-16',
        receiptNumber: 'IOE0913679999',
        type: 'case_received',
        occurredAt: at('2026-03-01'),
        payload: { formCode: 'I-765' },
      },
      {
        id: 's-17',
        receiptNumber: 'IOE0913679999',
        type: 'protection_updated',
        occurredAt: at('2026-03-02'),
        payload: { section1367: true },
      },
    ]);
    const early = await db()
      .selectFrom('service_items')
      .select(['number', 'section_1367', 'case_id'])
      .where('contact_email', '=', 'caller.1367@example.com')
      .where('receipt_number', '=', 'IOE0913679999')
      .executeTakeFirstOrThrow();
    expect(early).toMatchObject({ section_1367: true, case_id: await caseIdOf('IOE0913679999') });
    expect((await tier1.agent.get(`/agent/items/${String(early.number)}`)).statusCode).toBe(404);
  });
});

describe('the protected cases designation (item 6)', () => {
  it('is the only way an officer sees protected cases', () => {
    const matrix: [StaffRole[], boolean][] = [
      [['tier1'], false],
      [['tier2'], false],
      [['tier3'], true],
      [['officer'], false],
      [['officer', 'protected_cases'], true],
      [['protected_cases'], false],
      [['administrator'], false],
      [['help_desk'], false],
      [['quality_assurance'], false],
      [['administrator', 'protected_cases'], false],
    ];
    for (const [roles, may] of matrix) expect(maySeeProtectedCases(roles), roles.join('+')).toBe(may);
  });

  it('keeps protected cases and their items from officers without it, on the officer and agent pages', async () => {
    const { item } = await t.services.serviceItems.createRouted({
      channel: 'phone',
      type: 'case_inquiry',
      contact: { name: 'P', email: 'p.1367@example.com' },
      language: 'en',
      subject: 'OFFICER-MARK',
      description: 'x',
      caseId: await caseIdOf(LEGACY_PROTECTED),
    });
    expect((await officer.agent.get(`/officer/find?receipt_number=${LEGACY_PROTECTED}`)).statusCode).toBe(404);
    expect((await officer.agent.get(`/agent/items/${String(item.number)}`)).statusCode).toBe(404);
    await officer.agent.get(`/agent/search?q=${LEGACY_PROTECTED}`);
    expect(officer.agent.$('main').text()).not.toContain('OFFICER-MARK');
    expect((await unit.agent.get(`/officer/find?receipt_number=${LEGACY_PROTECTED}`)).statusCode).toBe(303);
    expect((await unit.agent.get(`/agent/items/${String(item.number)}`)).statusCode).toBe(200);
  });

  it('is granted by administrators with the officer role only, audited, and shown in the staff list', async () => {
    await admin.agent.get(`/staff/admin/staff/${officer.accountId}`);
    let res = await admin.agent.post(`/staff/admin/staff/${officer.accountId}/roles`, {
      roles: ['tier1', 'protected_cases'],
    });
    expect(res.statusCode).toBe(400);
    expect(admin.agent.errorSummary()[0]).toContain('for officers');
    await admin.agent.get(`/staff/admin/staff/${officer.accountId}`);
    res = await admin.agent.post(`/staff/admin/staff/${officer.accountId}/roles`, {
      roles: ['officer', 'protected_cases'],
    });
    expect(res.statusCode).toBe(303);
    const audit = await db()
      .selectFrom('audit_log')
      .select(['actor_id', 'details'])
      .where('action', '=', 'staff.roles_changed')
      .where('subject_id', '=', officer.accountId)
      .execute();
    expect(JSON.stringify(audit.at(-1)!.details)).toContain('protected_cases');
    expect(audit.at(-1)!.actor_id).toBe(admin.accountId);
    await admin.agent.get('/staff/admin/staff');
    const row = admin.agent
      .$('tr')
      .filter((_, el) => admin.agent.$(el).text().includes('Otto Officer'))
      .text();
    expect(row).toContain('Protected cases designation');
    expect((await officer.agent.get(`/officer/find?receipt_number=${LEGACY_PROTECTED}`)).statusCode).toBe(303);
    // Invitations follow the same rule.
    await admin.agent.get('/staff/admin/staff');
    res = await admin.agent.post('/staff/admin/staff/invite', {
      display_name: 'Nadia New',
      email: 'nadia.1367@agency.example',
      roles: ['protected_cases'],
    });
    expect(res.statusCode).toBe(400);
  });
});
