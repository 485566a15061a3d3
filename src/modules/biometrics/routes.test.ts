import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onlineAccountNumber, signUpApplicant, type Applicant } from '../../../test/accounts-support.js';
import { apiToken, caseEvent, caseIdOf, createTestApp, postCaseEvents, type TestApp } from '../../../test/harness.js';
import { createStaffMember, type StaffPerson } from '../../../test/staff-support.js';
import { seedAppointmentSites } from '../appointments/index.js';

/** Issue 17 point 2: online reschedule (BIO-2 to BIO-4), agents (CC-11) and Tier 2's expedite, through the pages. */

let t: TestApp;
let events: string;
let ben: Applicant;
let other: Applicant;
let tier1: StaffPerson;
let tier2: StaffPerson;
let tier3: StaffPerson;
const NOW = '2026-11-23T15:00:00Z';
const DAY = 86_400_000;
const db = () => t.deps.database.db;
const RECEIPT = 'IOE0917300001';
const ADOPTION = 'IOE0917300002';
const NONE = 'IOE0917300003';
const applicant = { dateOfBirth: '1985-04-12', familyName: 'Ruiz', zip: '11201' };

async function send(list: unknown[]) {
  const res = await postCaseEvents(t, list, events);
  expect(res.statusCode, res.body).toBe(200);
}

/** Schedules the case's waiting requests as the job would. */
async function scheduleAll(receipt: string) {
  const rows = await db()
    .selectFrom('biometrics_requests')
    .select('id')
    .where('case_id', '=', await caseIdOf(t, receipt))
    .where('status', '=', 'waiting')
    .execute();
  for (const r of rows) await t.services.biometrics.schedule(r.id);
}

const current = async (receipt: string) => (await t.services.biometrics.view(receipt))!.appointment!;

beforeAll(async () => {
  t = await createTestApp();
  t.clock.set(NOW);
  await seedAppointmentSites(db(), { clock: t.clock, random: t.deps.random });
  events = (await apiToken(t, ['case_events:write'])).token;
  ben = await signUpApplicant(t, 'ben.bio@example.com', '10.19.0.1');
  other = await signUpApplicant(t, 'other.bio@example.com', '10.19.0.2');
  tier1 = await createStaffMember(t, {
    email: 'bio.t1@agency.example',
    name: 'Tia One',
    roles: ['tier1'],
    ip: '10.19.0.3',
  });
  tier2 = await createStaffMember(t, {
    email: 'bio.t2@agency.example',
    name: 'Teo Two',
    roles: ['tier1', 'tier2'],
    ip: '10.19.0.4',
  });
  tier3 = await createStaffMember(t, {
    email: 'bio.t3@agency.example',
    name: 'Tom Three',
    // Tier 3 working the Tier 1 queue too (where this item is); Tier 1 alone may not expedite (tested above).
    roles: ['tier1', 'tier3'],
    ip: '10.19.0.6',
  });
  const oan = await onlineAccountNumber(t, ben.accountId);
  const filed = (id: string, receipt: string, formCode: string) =>
    caseEvent(id, receipt, 'case_received', '2026-09-01T15:00:00Z', {
      formCode,
      channel: 'online',
      onlineAccountNumber: oan,
      applicant,
    });
  await send([
    filed('r-1', RECEIPT, 'I-485'),
    caseEvent('r-2', RECEIPT, 'biometrics_required', NOW),
    filed('r-3', ADOPTION, 'I-600A'),
    caseEvent('r-4', ADOPTION, 'biometrics_required', NOW),
    filed('r-5', NONE, 'I-765'),
  ]);
  await scheduleAll(RECEIPT);
  await scheduleAll(ADOPTION);
});
afterAll(async () => t?.close());

describe('online reschedule (BIO-2, BIO-3, BIO-4)', () => {
  const path = `/account/cases/${RECEIPT}/biometrics`;

  it('links from the case card, explains the rules first, and is only for the case’s account', async () => {
    await ben.agent.get(`/account/cases/${RECEIPT}`);
    expect(ben.agent.$(`a[href="${path}"]`).length).toBe(1);
    expect((await ben.agent.get(path)).statusCode).toBe(200);
    const main = ben.agent.$('main').text();
    expect(main).toContain('Before you reschedule');
    expect(main).toContain('fewer than two times');
    expect(main).toContain('800-375-5283');
    expect(ben.agent.$('#rules').index()).toBeLessThan(ben.agent.$('form[action$="/biometrics"]').index());
    expect(ben.agent.$('input[name=reason]').length).toBe(5);
    expect(ben.agent.$('input[value="first:ASC-NYC"]').length).toBe(1);
    expect((await other.agent.get(path)).statusCode).toBe(404);
    await other.agent.get('/account/address'); // a page with the form token
    expect((await other.agent.post(path, { reason: 'medical', slot: 'first:ASC-NYC' })).statusCode).toBe(404);
  });

  it('asks for a good cause and words for "other", changing nothing', async () => {
    const before = await current(RECEIPT);
    await ben.agent.get(path);
    let res = await ben.agent.post(path, { reason: '', reason_text: '', slot: '' });
    expect(res.statusCode).toBe(400);
    expect(ben.agent.errorSummary()).toEqual(['Choose why you need to reschedule', 'Choose a new time']);
    res = await ben.agent.post(path, { reason: 'other', reason_text: ' ', slot: 'first:ASC-NYC' });
    expect(res.statusCode).toBe(400);
    expect(ben.agent.errorSummary()).toEqual(['Tell us your reason in your own words']);
    expect((await current(RECEIPT)).booking.id).toBe(before.booking.id);
  });

  it('reschedules to a chosen slot or the first available, the new seat before the old, a new notice replacing the old', async () => {
    const first = await current(RECEIPT);
    t.clock.advance(60_000);
    await ben.agent.get(path);
    const slot = ben.agent.$('input[name=slot]').not('[value^=first]').first().val() as string;
    let res = await ben.agent.post(path, { reason: 'medical', reason_text: '', slot });
    expect(res.statusCode, ben.agent.errorSummary().join()).toBe(303);
    expect(res.headers.location).toBe(`${path}?done=1`);
    const second = await current(RECEIPT);
    expect(second.booking.slot_id).toBe(Number(slot));
    expect(await t.services.appointments.booking(first.booking.id)).toMatchObject({
      status: 'rescheduled',
      rescheduled_to: second.booking.id,
    });
    await ben.agent.get(res.headers.location as string);
    expect(ben.agent.$('.usa-alert--success').text()).toContain('Your appointment was rescheduled');
    expect(ben.agent.$('#reschedule-requests [data-state=done]').length).toBe(1);

    // The case shows the new time, and its Documents hold both notices, the older one replaced.
    expect((await t.services.caseEvents.upcomingAppointments(RECEIPT))[0]!.at).toEqual(second.booking.starts_at);
    for (const b of [first, second])
      await t.services.notices.issueFromEvent(`casedesk-biometrics:${b.booking.id}:notice`);
    t.clock.advance(1000);
    await ben.agent.get(`/account/cases/${RECEIPT}/documents`);
    expect(ben.agent.$('[data-replaced]').length).toBe(1);

    // "Other" with words, first available at another nearby center: the second online reschedule.
    t.clock.advance(60_000);
    await ben.agent.get(path);
    const otherSite = ben.agent.$('input[value^="first:"]').not('[value="first:ASC-NYC"]').first().val() as string;
    res = await ben.agent.post(path, { reason: 'other', reason_text: 'My car broke down', slot: otherSite });
    expect(res.statusCode).toBe(303);
    expect((await current(RECEIPT)).site.code).toBe(otherSite.slice(6));

    // The third is refused by BIO-2: the page says the rule and the Contact Center's number, offers no form.
    await ben.agent.get(path);
    expect(ben.agent.$('form[action$="/biometrics"]').length).toBe(0);
    expect(ben.agent.$('main .usa-alert--warning').text()).toContain('two times');
    expect(ben.agent.$('main .usa-alert--warning').text()).toContain('800-375-5283');
    res = await ben.agent.post(path, { reason: 'medical', reason_text: '', slot: otherSite });
    expect(res.statusCode).toBe(403);
    expect(ben.agent.$('main .usa-alert--error').text()).toContain('two times');
    await ben.agent.get(path);
    expect(ben.agent.$('#reschedule-requests [data-state=done]').length).toBe(2);
    expect(ben.agent.$('#reschedule-requests [data-state=refused]').length).toBe(1);
    const mail = await db()
      .selectFrom('notification_messages')
      .select('body')
      .where('recipient', '=', ben.email)
      .where('template', '=', 'biometrics_rescheduled')
      .execute();
    expect(mail).toHaveLength(2);
  });

  it('shows an appointment the agency scheduled itself, and sends its reschedule to the Contact Center', async () => {
    await send([
      caseEvent('r-6', NONE, 'biometrics_scheduled', '2026-11-22T15:00:00Z', {
        appointmentAt: '2026-12-15T15:00:00Z',
        locationName: 'Agency ASC, 1 Main St',
      }),
    ]);
    await ben.agent.get(`/account/cases/${NONE}/biometrics`);
    expect(ben.agent.$('#appointment').text()).toContain('Agency ASC, 1 Main St');
    expect(ben.agent.$('main .usa-alert--info').text()).toContain('800-375-5283');
    expect(ben.agent.$('form[action$="/biometrics"]').length).toBe(0);
  });

  it('shows a paper case added by receipt number (CASE-6) its appointment and the Contact Center, no form', async () => {
    const paper = 'LIN0917300004';
    await send([
      caseEvent('r-7', paper, 'case_received', '2026-09-01T15:00:00Z', {
        formCode: 'I-130',
        applicant: { ...applicant, familyName: 'Núñez' },
      }),
      caseEvent('r-8', paper, 'biometrics_required', NOW),
    ]);
    await scheduleAll(paper);
    const before = await current(paper);
    await ben.agent.get('/account/cases/add');
    const added = await ben.agent.post('/account/cases/add/receipt-number', {
      receipt_number: paper,
      family_name: 'Nunez',
      rdob_month: '4',
      rdob_day: '12',
      rdob_year: '1985',
    });
    expect(added.headers.location).toBe(`/account/cases?added=${paper}`);
    const path = `/account/cases/${paper}/biometrics`;
    expect((await ben.agent.get(path)).statusCode).toBe(200);
    expect(ben.agent.$('#appointment time').attr('datetime')).toBe(before.booking.starts_at.toISOString());
    expect(ben.agent.$('form[action$="/biometrics"]').length).toBe(0);
    expect(ben.agent.$('input[name=slot]').length).toBe(0);
    expect(ben.agent.$('#appointment a[href$="/documents"]').length).toBe(0); // its notices stay on paper
    const warning = ben.agent.$('main .usa-alert--warning').text();
    expect(warning).toContain('added to your account by receipt number');
    expect(warning).toContain('800-375-5283');
    // Posting anyway is refused by the rule, and nothing moves.
    await ben.agent.get(`/account/cases/${RECEIPT}/biometrics`);
    const res = await ben.agent.post(path, { reason: 'medical', reason_text: '', slot: `first:${before.site.code}` });
    expect(res.statusCode).toBe(403);
    expect(ben.agent.$('main .usa-alert--error').text()).toContain('800-375-5283');
    expect((await current(paper)).booking.id).toBe(before.booking.id);
    const rows = await db()
      .selectFrom('biometrics_reschedules')
      .select(['state', 'refusal'])
      .where('case_id', '=', await caseIdOf(t, paper))
      .execute();
    expect(rows).toEqual([{ state: 'refused', refusal: 'paper_case' }]);
  });

  it('refuses I-600A cases online (BIO-2), saying to call', async () => {
    await ben.agent.get(`/account/cases/${ADOPTION}/biometrics`);
    expect(ben.agent.$('form[action$="/biometrics"]').length).toBe(0);
    expect(ben.agent.$('main .usa-alert--warning').text()).toContain('I-600A');
  });
});

describe('agents (CC-11) and Tier 2 expedite (BIO-4)', () => {
  async function itemFor(receipt: string): Promise<string> {
    const { item } = await t.services.serviceItems.createRouted({
      channel: 'phone',
      type: 'case_status',
      contact: { name: 'Ben Ruiz', email: 'ben.bio@example.com', phone: '+12025550100' },
      language: 'en',
      subject: 'Biometrics',
      description: 'Needs to move the biometrics appointment.',
      caseId: await caseIdOf(t, receipt),
      receiptNumber: receipt,
    });
    const path = `/agent/items/${String(item.number)}`;
    await tier1.agent.get(path);
    const res = await tier1.agent.post(`${path}/verify`, {
      caller_role: 'applicant',
      answer_date_of_birth: '1985-04-12',
      answer_family_name: 'Ruiz',
    });
    expect(res.statusCode).toBe(303);
    return path;
  }

  it('reschedules for a verified caller, past the online limit, with a reason and a note (audited)', async () => {
    const path = await itemFor(RECEIPT);
    t.clock.advance(60_000);
    await tier1.agent.get(path);
    expect(tier1.agent.$(`a[href="${path}/biometrics"]`).length).toBe(1);
    await tier1.agent.get(`${path}/biometrics`);
    const before = await current(RECEIPT);
    let res = await tier1.agent.post(`${path}/biometrics`, {
      reason: 'work_or_care',
      reason_text: '',
      slot: 'first:ASC-NYC',
    });
    expect(res.statusCode).toBe(400);
    expect(tier1.agent.errorSummary()).toEqual(['Write a note on why the appointment is rescheduled']);
    res = await tier1.agent.post(`${path}/biometrics`, {
      reason: 'work_or_care',
      reason_text: 'Works nights that week',
      slot: 'first:ASC-NYC',
    });
    expect(res.statusCode).toBe(303);
    const after = await current(RECEIPT);
    expect(after.booking.id).not.toBe(before.booking.id);
    expect(after.site.code).toBe('ASC-NYC');
    expect(after.booking.starts_at.getTime()).toBeGreaterThanOrEqual(Date.parse(NOW) + 14 * DAY);
    const audit = await db()
      .selectFrom('audit_log')
      .select(['action', 'reason'])
      .where('action', '=', 'biometrics.rescheduled_by_agent')
      .execute();
    expect(audit).toEqual([{ action: 'biometrics.rescheduled_by_agent', reason: 'Works nights that week' }]);
  });

  it('never schedules a first appointment', async () => {
    const path = await itemFor(NONE);
    await tier1.agent.get(`${path}/biometrics`);
    expect(tier1.agent.$('main').text()).toContain('cannot schedule a first one');
    const res = await tier1.agent.post(`${path}/biometrics`, {
      reason: 'medical',
      reason_text: 'Asked for an appointment',
      slot: 'first:ASC-NYC',
    });
    expect(res.statusCode).toBe(403);
    expect(await t.services.appointments.bookingsOf({ caseId: await caseIdOf(t, NONE) })).toEqual([]);
  });

  it('lets Tier 2 grant an expedited appointment sooner than the lead time, and refuses Tier 1', async () => {
    const path = await itemFor(ADOPTION);
    const before = await current(ADOPTION);
    await tier1.agent.get(`${path}/biometrics`);
    expect(tier1.agent.$(`form[action="${path}/biometrics/expedite"]`).length).toBe(0);
    let res = await tier1.agent.post(`${path}/biometrics/expedite`, {
      site: 'ASC-NYC',
      expedite_text: 'Urgent travel',
    });
    expect(res.statusCode).toBe(403);
    expect(tier1.agent.$('main .usa-alert--error').text()).toContain('Only Tier 2');
    expect((await current(ADOPTION)).booking.id).toBe(before.booking.id);

    await tier2.agent.get(`${path}/biometrics`);
    expect(tier2.agent.$(`form[action="${path}/biometrics/expedite"]`).length).toBe(1);
    res = await tier2.agent.post(`${path}/biometrics/expedite`, { site: 'ASC-NYC', expedite_text: '' });
    expect(res.statusCode).toBe(400);
    res = await tier2.agent.post(`${path}/biometrics/expedite`, { site: 'ASC-NYC', expedite_text: 'Urgent travel' });
    expect(res.statusCode).toBe(303);
    const after = await current(ADOPTION);
    expect(after.booking.starts_at.getTime()).toBeLessThan(Date.parse(NOW) + 14 * DAY);
    expect(after.booking.starts_at.getTime()).toBeGreaterThan(Date.parse(NOW));
    const rows = await db()
      .selectFrom('biometrics_reschedules')
      .select(['channel', 'state', 'refusal'])
      .where('case_id', '=', await caseIdOf(t, ADOPTION))
      .orderBy('created_at')
      .execute();
    expect(rows).toEqual([
      { channel: 'expedite', state: 'refused', refusal: 'not_tier2' },
      { channel: 'expedite', state: 'done', refusal: null },
    ]);
    expect(
      await db().selectFrom('audit_log').select('reason').where('action', '=', 'biometrics.expedited').execute(),
    ).toEqual([{ reason: 'Urgent travel' }]);
  });

  it('lets Tier 3 (who alone serves Section 1367 callers, CC-6) grant an expedited appointment too', async () => {
    const path = await itemFor(RECEIPT);
    const before = await current(RECEIPT);
    await tier3.agent.get(`${path}/biometrics`);
    expect(tier3.agent.$(`form[action="${path}/biometrics/expedite"]`).length).toBe(1);
    expect(tier3.agent.$('main').text()).not.toContain('Only Tier 2');
    const res = await tier3.agent.post(`${path}/biometrics/expedite`, {
      site: 'ASC-NYC',
      expedite_text: 'Safety: must move soon',
    });
    expect(res.statusCode, tier3.agent.$('main .usa-alert').text()).toBe(303);
    const after = await current(RECEIPT);
    expect(after.booking.id).not.toBe(before.booking.id);
    expect(after.booking.starts_at.getTime()).toBeLessThan(before.booking.starts_at.getTime());
    const audit = await db()
      .selectFrom('audit_log')
      .select(['reason', 'actor_id'])
      .where('action', '=', 'biometrics.expedited')
      .where('reason', '=', 'Safety: must move soon')
      .execute();
    expect(audit).toEqual([{ reason: 'Safety: must move soon', actor_id: tier3.accountId }]);
  });

  it('lets administrators change the lead time (audited), and no one else', async () => {
    const admin = await createStaffMember(t, {
      email: 'bio.admin@agency.example',
      name: 'Ada Admin',
      roles: ['administrator'],
      ip: '10.19.0.5',
    });
    expect((await tier1.agent.get('/staff/biometrics/settings')).statusCode).toBe(403);
    await admin.agent.get('/staff/biometrics/settings');
    expect((await admin.agent.post('/staff/biometrics/settings', { lead_days: 'soon' })).statusCode).toBe(400);
    expect((await admin.agent.post('/staff/biometrics/settings', { lead_days: '21' })).statusCode).toBe(303);
    expect((await t.services.biometrics.settings()).lead_days).toBe(21);
  });
});
