import fc from 'fast-check';
import ICAL from 'ical.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lastMessage } from '../../../test/accounts-support.js';
import { TestAgent } from '../../../test/agent.js';
import { caseEvent, createTestApp, postCaseEvents, type TestApp } from '../../../test/harness.js';
import { pdfText } from '../../../test/pdf-text.js';
import { createStaffMember, type StaffPerson } from '../../../test/staff-support.js';
import { seedAppointmentSites } from '../appointments/index.js';
import { nameProblem, parseAppointmentRequest, type RawRequest } from './schema.js';
import {
  fitsPreferences,
  REMINDER_BEFORE_MS,
  VIEW_LOCK_MS,
  VIEW_MAX_FAILURES,
  type AppointmentRequestService,
} from './service.js';

/** The online appointment request (issue 17 point 3; APPT-1 to APPT-4, CC-8). */

let t: TestApp;
let tier2: StaffPerson;
let tier1: StaffPerson;
const NOW = '2026-11-23T15:00:00Z'; // Monday, 10:00 in New York
const TODAY = '2026-11-23';
const db = () => t.deps.database.db;
const service = (): AppointmentRequestService => t.services.appointmentRequests;
let ip = 1;
const visitor = () => new TestAgent(t.app, `10.44.${String(Math.floor(ip / 200))}.${String(ip++ % 200)}`);

const GOOD = {
  first_name: 'María',
  middle_name: 'José',
  last_name: "O'Brien-Núñez",
  dob_month: '4',
  dob_day: '28',
  dob_year: '1986',
  zip: '10001',
  country_of_birth: 'Mexico',
  email: 'maria.request@example.com',
  phone: '202-555-0143',
  a_number: 'A12345678',
  receipt_number: '',
  weekdays: ['2', '4'],
  time_of_day: 'morning',
  language: 'en',
  text_reminder: 'yes',
};

beforeAll(async () => {
  t = await createTestApp({ env: { CASEDESK_PUBLIC_URL: 'https://casedesk.example.gov' } });
  t.clock.set(NOW);
  await seedAppointmentSites(db(), { clock: t.clock, random: t.deps.random });
  await t.services.appointments.generateSlots();
  tier2 = await createStaffMember(t, {
    email: 'ar.tier2@agency.example',
    name: 'Tess Tier2',
    roles: ['tier2'],
    ip: '10.45.0.1',
  });
  tier1 = await createStaffMember(t, {
    email: 'ar.tier1@agency.example',
    name: 'Tim Tier1',
    roles: ['tier1'],
    ip: '10.45.0.2',
  });
});
afterAll(async () => t?.close());

/** Sends the form as a visitor; answers the reference number from the confirmation page. */
async function request(over: Partial<typeof GOOD> = {}, reason = 'emergency_advance_parole', agent = visitor()) {
  await agent.get(`/appointments/request/${reason}`);
  const res = await agent.post(`/appointments/request/${reason}`, { ...GOOD, ...over });
  expect(res.statusCode, res.body.slice(0, 2000)).toBe(303);
  const sent = await agent.get('/appointments/request/sent');
  expect(sent.statusCode).toBe(200);
  const number = Number(agent.$('[data-reference]').text().trim());
  expect(number).toBeGreaterThan(0);
  return { agent, number };
}

async function requestRow(number: number) {
  return db()
    .selectFrom('appointment_requests')
    .selectAll()
    .where('item_number', '=', number)
    .executeTakeFirstOrThrow();
}

/** Views the appointment with its reference number and date of birth. */
async function viewAs(agent: TestAgent, number: number, dob = { dob_month: '04', dob_day: '28', dob_year: '1986' }) {
  await agent.get('/appointments/view');
  return agent.post('/appointments/view', { reference: String(number), ...dob });
}

describe('the form, parsed by one schema (APPT-2)', () => {
  const raw = (over: Partial<RawRequest> = {}): RawRequest => ({ ...GOOD, ...over });

  it('takes a good request, with its preferences and the A-Number read the one way', () => {
    const parsed = parseAppointmentRequest(raw(), TODAY, 'en');
    expect(parsed).toMatchObject({
      ok: true,
      value: {
        firstName: 'María',
        lastName: "O'Brien-Núñez",
        dateOfBirth: '1986-04-28',
        zip: '10001',
        aNumber: 'A012345678',
        phone: '+12025550143',
        weekdays: [2, 4],
        timeOfDay: 'morning',
        textReminder: true,
      },
    });
  });

  it('refuses nicknames, but not apostrophes, hyphens or accents', () => {
    expect(nameProblem('José "Pepe"')).toBe('nickname');
    expect(nameProblem('Robert (Bob)')).toBe('nickname');
    expect(nameProblem('Robert aka Bob')).toBe('nickname');
    expect(nameProblem('Ana a.k.a. Anita')).toBe('nickname');
    expect(nameProblem('R2D2')).toBe('characters');
    expect(nameProblem("D'Angelo")).toBeUndefined();
    expect(nameProblem('Anne-Marie St. John')).toBeUndefined();
    expect(nameProblem('Núñez')).toBeUndefined();
    expect(nameProblem('Akande')).toBeUndefined();
  });

  it('names each field with its problem, in the order of the page', () => {
    const parsed = parseAppointmentRequest(
      raw({
        first_name: '',
        last_name: 'Smith (Smitty)',
        dob_year: '2030',
        zip: '1234',
        email: 'nope',
        phone: '12',
        a_number: '',
        receipt_number: '',
        weekdays: ['6'],
      }),
      TODAY,
      'en',
    );
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.problems.map((p) => `${p.field}:${p.key.split(':')[1]!}`)).toEqual([
      'first_name:errors.first_name.required',
      'last_name:errors.name.nickname',
      'dob_month:errors.dob.future',
      'zip:errors.zip.invalid',
      'email:errors.email.invalid',
      'phone:errors.phone.invalid',
      'a_number:errors.identifier.required',
      'weekdays:errors.weekdays.invalid',
    ]);
    // ZIP+4 is taken; a ZIP code nobody has is not; a receipt number with its own parser's message.
    expect(parseAppointmentRequest(raw({ zip: '10001-1234' }), TODAY, 'en')).toMatchObject({
      ok: true,
      value: { zip: '100011234' },
    });
    expect(parseAppointmentRequest(raw({ zip: '00000' }), TODAY, 'en')).toMatchObject({
      ok: false,
      problems: [{ field: 'zip', key: 'appointment_requests:errors.zip.unknown' }],
    });
    expect(parseAppointmentRequest(raw({ a_number: '', receipt_number: 'XYZ123' }), TODAY, 'en')).toMatchObject({
      ok: false,
      problems: [{ field: 'receipt_number' }],
    });
    expect(
      parseAppointmentRequest(raw({ a_number: '', receipt_number: 'eac 219 000 0049' }), TODAY, 'en'),
    ).toMatchObject({
      ok: true,
      value: { receiptNumber: 'EAC2190000049', aNumber: null },
    });
  });

  it('property: any input gives either a clean request or problems that name fields of the page', () => {
    const FIELDS = new Set([...Object.keys(GOOD), 'dob_month', 'weekdays', 'receipt_number']);
    const anyText = fc.oneof(
      fc.string({ maxLength: 80 }),
      fc.constantFrom('', ' ', '"', '(x)', 'A1', '99999', '\u0000', 'é'.repeat(200)),
    );
    fc.assert(
      fc.property(
        fc.record(
          {
            first_name: anyText,
            middle_name: anyText,
            last_name: anyText,
            dob_month: anyText,
            dob_day: anyText,
            dob_year: anyText,
            zip: anyText,
            country_of_birth: anyText,
            email: anyText,
            phone: anyText,
            a_number: anyText,
            receipt_number: anyText,
            weekdays: fc.array(fc.string({ maxLength: 3 }), { maxLength: 6 }),
            time_of_day: anyText,
            language: anyText,
            text_reminder: anyText,
          },
          { requiredKeys: [] },
        ),
        (input) => {
          const parsed = parseAppointmentRequest(input, TODAY, 'es');
          if (parsed.ok) {
            const v = parsed.value;
            expect(v.firstName).not.toBe('');
            expect(v.lastName).not.toBe('');
            expect(nameProblem(v.firstName)).toBeUndefined();
            expect(v.dateOfBirth < TODAY).toBe(true);
            expect(v.zip).toMatch(/^\d{5}(\d{4})?$/);
            expect(v.aNumber ?? v.receiptNumber).toBeTruthy();
            expect(v.weekdays.every((d) => d >= 1 && d <= 5)).toBe(true);
          } else {
            expect(parsed.problems.length).toBeGreaterThan(0);
            for (const p of parsed.problems) {
              expect(FIELDS.has(p.field), p.field).toBe(true);
              expect(p.key).toMatch(/^(appointment_requests|cases):/);
            }
          }
        },
      ),
      { numRuns: 400 },
    );
  });

  it('marks slots that fit the preferences (considered, not guaranteed)', () => {
    const prefs = { weekdays: [2, 4], time_of_day: 'morning' as const };
    expect(fitsPreferences({ local_date: '2026-11-24', local_time: '09:00' }, prefs)).toBe(true); // Tuesday
    expect(fitsPreferences({ local_date: '2026-11-24', local_time: '13:00' }, prefs)).toBe(false);
    expect(fitsPreferences({ local_date: '2026-11-23', local_time: '09:00' }, prefs)).toBe(false); // Monday
    expect(
      fitsPreferences({ local_date: '2026-11-23', local_time: '15:00' }, { weekdays: [], time_of_day: 'any' }),
    ).toBe(true);
  });
});

describe('the public request (APPT-1, APPT-3)', () => {
  it('"other" takes no request and sends the person to the Contact Center', async () => {
    const agent = visitor();
    const before = await db()
      .selectFrom('appointment_requests')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    const res = await agent.get('/appointments/request?chosen=1&reason=other');
    expect(res.statusCode).toBe(200);
    expect(agent.$('h1').text()).toBe('Contact the Contact Center');
    expect(res.body).toContain('800-375-5283');
    expect(res.body).toContain('8 a.m. to 8 p.m. Eastern');
    expect(agent.$('form[method=post]').length).toBe(0);
    expect((await agent.get('/appointments/request/other')).statusCode).toBe(404);
    const after = await db()
      .selectFrom('appointment_requests')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
    // Choosing nothing says so; a reason leads to its form.
    expect((await agent.get('/appointments/request?chosen=1')).statusCode).toBe(400);
    expect(agent.$('.usa-error-message').text()).toContain('Select why');
    const chosen = await agent.get('/appointments/request?chosen=1&reason=adit_stamp');
    expect(chosen.headers.location).toBe('/appointments/request/adit_stamp');
  });

  it('explains the legal name and that preferences are not guaranteed, in both languages', async () => {
    const agent = visitor();
    await agent.get('/appointments/request/adit_stamp');
    expect(agent.$('#name-hint').text()).toContain('no nicknames');
    expect(agent.last!.body).toContain('considered, not guaranteed');
    expect(agent.$('fieldset legend').length).toBeGreaterThanOrEqual(5);
    await agent.get('/appointments/request/adit_stamp?lang=es');
    expect(agent.$('#name-hint').text()).toContain('sin apodos');
    expect(agent.last!.body).toContain('no se garantizan');
  });

  it('shows bad input back with an error summary linking to each field, and files nothing', async () => {
    const agent = visitor();
    await agent.get('/appointments/request/adit_stamp');
    const res = await agent.post('/appointments/request/adit_stamp', {
      ...GOOD,
      first_name: 'Bob "Bobby"',
      zip: 'abc',
      email: 'maria.bad@example.com',
    });
    expect(res.statusCode).toBe(400);
    const links = agent
      .$('#error-summary a')
      .map((_, a) => agent.$(a).attr('href'))
      .get();
    expect(links).toEqual(['#first_name', '#zip']);
    expect(agent.$('#first_name').attr('aria-invalid')).toBe('true');
    expect(agent.$('#first_name').val()).toBe('Bob "Bobby"');
    expect(await lastMessage(t, 'maria.bad@example.com', 'appointment_request_received')).toBeUndefined();
  });

  it('answers a reference number: a Tier 2 urgent service item with the details, and a confirmation email', async () => {
    const { number } = await request({ email: 'ref.one@example.com', receipt_number: 'EAC2190000049' });
    const item = await t.services.serviceItems.byNumber(String(number));
    expect(item).toMatchObject({
      channel: 'appointment_request',
      queue: 'tier2',
      urgent: true,
      sla_policy: 'urgent',
      status: 'open',
    });
    expect(item!.subject).toBe('Emergency advance parole (urgent travel)');
    expect(item!.description).toContain('Preferences (considered, not guaranteed): Tuesday, Thursday; Morning');
    const details: unknown = typeof item!.details === 'string' ? JSON.parse(item!.details) : item!.details;
    expect(details).toMatchObject({
      reason: 'emergency_advance_parole',
      zip: '10001',
      a_number: 'A012345678',
      receipt_number: 'EAC2190000049',
    });
    const row = await requestRow(number);
    expect(row).toMatchObject({
      status: 'requested',
      date_of_birth: '1986-04-28',
      weekdays: [2, 4],
      text_reminder: true,
    });
    const mail = await lastMessage(t, 'ref.one@example.com', 'appointment_request_received');
    expect(mail?.body).toContain(`Your reference number is ${String(number)}`);
    expect(mail?.body).toContain('https://casedesk.example.gov/appointments/view');
  });

  it('a receipt number of a Section 1367 case makes a Tier 3 item that Tier 2 does not see (CC-6)', async () => {
    const res = await postCaseEvents(t, [
      caseEvent('ar-1367-1', 'IOE2390000044', 'case_received', '2025-03-01T15:00:00Z', { formCode: 'I-765' }),
      caseEvent('ar-1367-2', 'IOE2390000044', 'protection_updated', '2025-03-02T15:00:00Z', { section1367: true }),
    ]);
    expect(res.statusCode).toBe(200);
    const { number, agent } = await request({ email: 'protected.person@example.com', receipt_number: 'IOE2390000044' });
    // The person is told nothing about the case: the same reference number page.
    expect(agent.$('h1').text()).toBe('We received your appointment request');
    const item = await t.services.serviceItems.byNumber(String(number));
    expect(item).toMatchObject({ section_1367: true, queue: 'tier3' });
    expect((await tier2.agent.get(`/agent/items/${String(number)}/appointment`)).statusCode).toBe(404);
  });

  it("someone else's receipt number with a wrong date of birth: the agent sees no case until the caller is verified", async () => {
    const applicant = { dateOfBirth: '1986-04-28', familyName: 'Núñez', aNumber: 'A012345678', zip: '10001' };
    const res = await postCaseEvents(t, [
      caseEvent('ar-dob-1', 'EAC2190000072', 'case_received', '2025-03-01T15:00:00Z', { formCode: 'I-765', applicant }),
    ]);
    expect(res.statusCode).toBe(200);
    const page = async (number: number) => {
      const r = await tier2.agent.get(`/agent/items/${String(number)}`);
      expect(r.statusCode).toBe(200);
      return tier2.agent;
    };
    // A stranger who knows the receipt number but not the date of birth on record.
    const stranger = await request({
      email: 'stranger@example.com',
      receipt_number: 'EAC2190000072',
      dob_month: '1',
      dob_day: '2',
      dob_year: '1990',
    });
    const item = await t.services.serviceItems.byNumber(String(stranger.number));
    expect(item?.case_id).toBeTruthy();
    let a = await page(stranger.number);
    expect(a.$('.casedesk-history').length).toBe(0);
    expect(a.$('#case-heading').parent().text()).not.toContain('Application for Employment Authorization');
    expect(a.$('#case-heading').parent().text()).toContain('Verify the caller before sharing anything about the case');
    expect(a.$('form[action$="/verify"]').length).toBe(1);
    // Nor through the biometrics page of the item (no case, nothing to reschedule).
    const bio = await tier2.agent.get(`/agent/items/${String(stranger.number)}/biometrics`);
    expect(bio.statusCode).toBe(200);
    expect(tier2.agent.$('form[action$="/reschedule"]').length).toBe(0);
    // The applicant, with the date of birth on record: the agent sees the case.
    const applicantRequest = await request({ email: 'owner@example.com', receipt_number: 'EAC2190000072' });
    a = await page(applicantRequest.number);
    expect(a.$('.casedesk-history').length).toBe(1);
    expect(a.$('#case-heading').parent().text()).not.toContain('Verify the caller before sharing');
    const details: unknown = typeof item!.details === 'string' ? JSON.parse(item!.details) : item!.details;
    expect(details).toMatchObject({ dob_matched: false });
  });

  it('takes a double submit once (one-time token)', async () => {
    const agent = visitor();
    await agent.get('/appointments/request/adit_stamp');
    const form = { ...GOOD, email: 'double@example.com' };
    const token = agent.$('input[name=_submission]').val() as string;
    const csrf = agent.$('input[name=_csrf]').val() as string;
    const first = await agent.post('/appointments/request/adit_stamp', { ...form, _submission: token, _csrf: csrf });
    const second = await agent.post('/appointments/request/adit_stamp', { ...form, _submission: token, _csrf: csrf });
    expect([first.statusCode, second.statusCode]).toEqual([303, 303]);
    const rows = await db()
      .selectFrom('appointment_requests')
      .select('item_number')
      .where('email', '=', 'double@example.com')
      .execute();
    expect(rows).toHaveLength(1);
  });

  it('in Spanish: the pages, the reference number and the email', async () => {
    const agent = visitor();
    await agent.get('/appointments/request?lang=es');
    expect(agent.$('h1').text()).toBe('Solicitar una cita en una oficina local');
    const { number } = await request({ email: 'es.person@example.com', language: 'es' }, 'adit_stamp', agent);
    expect(agent.$('h1').text()).toBe('Recibimos su solicitud de cita');
    const mail = await lastMessage(t, 'es.person@example.com', 'appointment_request_received');
    expect(mail?.body).toContain(`Su número de referencia es ${String(number)}`);
  });
});

describe('the agent decides (APPT-3)', () => {
  it('is for Tier 2: Tier 1 is refused', async () => {
    const { number } = await request({ email: 'tier.check@example.com' });
    expect((await tier1.agent.get(`/agent/items/${String(number)}/appointment`)).statusCode).toBe(403);
    const page = await tier2.agent.get(`/agent/items/${String(number)}/appointment`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Tuesday, Thursday; Morning');
    const reads = await db()
      .selectFrom('audit_log' as never)
      .selectAll()
      .where('action' as never, '=', 'appointment_requests.viewed' as never)
      .execute();
    expect(reads.length).toBeGreaterThan(0);
    // The item's page in the agent console leads there.
    await tier2.agent.get(`/agent/items/${String(number)}`);
    expect(tier2.agent.$(`a[href="/agent/items/${String(number)}/appointment"]`).length).toBe(1);
  });

  it('says so for an appointment-request item without an online form (logged from a call)', async () => {
    const { item } = await t.services.serviceItems.createRouted({
      channel: 'appointment_request',
      type: 'appointment_request',
      urgent: true,
      contact: { name: 'Phone Caller', email: '' },
      language: 'en',
      subject: 'Appointment by phone',
      description: 'Logged from a call',
    });
    const page = await tier2.agent.get(`/agent/items/${String(item.number)}/appointment`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('No online request form is attached');
    expect((await tier2.agent.get('/agent/items/99999999/appointment')).statusCode).toBe(404);
  });

  it("resolves without an appointment: the answer by email in the person's language, the item resolved", async () => {
    const { number } = await request({ email: 'answer.me@example.com', language: 'es' });
    await tier2.agent.get(`/agent/items/${String(number)}/appointment`);
    const empty = await tier2.agent.post(`/agent/items/${String(number)}/appointment/answer`, { message: '  ' });
    expect(empty.statusCode).toBe(400);
    const res = await tier2.agent.post(`/agent/items/${String(number)}/appointment/answer`, {
      message: 'Puede usar su permiso vigente; no necesita una cita.',
    });
    expect(res.statusCode).toBe(303);
    const item = await t.services.serviceItems.byNumber(String(number));
    expect(item).toMatchObject({ status: 'resolved', resolution: 'answered' });
    expect((await requestRow(number)).status).toBe('answered');
    const mail = await lastMessage(t, 'answer.me@example.com', 'service_item_reply');
    expect(mail?.language).toBe('es');
    expect(mail?.body).toContain('Puede usar su permiso vigente');
    // Decided once: a booking after the answer is refused.
    await tier2.agent.get(`/agent/items/${String(number)}/appointment`);
    expect(tier2.agent.$('form[action$="/book"]').length).toBe(0);
  });

  it('books a field office slot near the ZIP code: seat taken, item resolved, letter email, reminder job', async () => {
    const { number } = await request({ email: 'book.me@example.com' });
    const page = await tier2.agent.get(`/agent/items/${String(number)}/appointment`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('New York City');
    const slotId = tier2.agent.$('input[name=slot]').first().val() as string;
    expect(slotId).toBeTruthy();
    const before = await db()
      .selectFrom('appointment_slots')
      .select('booked')
      .where('id', '=', Number(slotId))
      .executeTakeFirstOrThrow();
    const res = await tier2.agent.post(`/agent/items/${String(number)}/appointment/book`, { slot: slotId });
    expect(res.statusCode).toBe(303);
    const slot = await db()
      .selectFrom('appointment_slots')
      .selectAll()
      .where('id', '=', Number(slotId))
      .executeTakeFirstOrThrow();
    expect(slot.booked).toBe(before.booked + 1);
    expect(slot.site_code).toBe('FO-NYC');
    const row = await requestRow(number);
    expect(row).toMatchObject({ status: 'booked' });
    expect(row.appointment_at?.getTime()).toBe(slot.starts_at.getTime());
    expect(await t.services.serviceItems.byNumber(String(number))).toMatchObject({
      status: 'resolved',
      resolution: 'appointment_made',
    });
    const mail = await lastMessage(t, 'book.me@example.com', 'appointment_booked');
    expect(mail?.body).toContain('https://casedesk.example.gov/appointments/view');
    const jobs = await db()
      .selectFrom('pgboss.job' as never)
      .select(['start_after' as never])
      .where('name' as never, '=', 'appointment-request-reminder' as never)
      .where((eb) =>
        eb(eb.ref('data' as never) as never, '@>' as never, JSON.stringify({ requestId: row.id }) as never),
      )
      .execute();
    expect(jobs).toHaveLength(1);
    expect((jobs[0] as unknown as { start_after: Date }).start_after.getTime()).toBe(
      slot.starts_at.getTime() - REMINDER_BEFORE_MS,
    );
    // The audit log has the decision.
    const audit = await db()
      .selectFrom('audit_log' as never)
      .selectAll()
      .where('action' as never, '=', 'appointment_requests.booked' as never)
      .execute();
    expect(audit.length).toBeGreaterThan(0);
  });

  it('refuses a full slot and keeps the request open', async () => {
    const { number } = await request({ email: 'full.slot@example.com' });
    await tier2.agent.get(`/agent/items/${String(number)}/appointment`);
    const slotId = Number(tier2.agent.$('input[name=slot]').first().val());
    await db()
      .updateTable('appointment_slots')
      .set((eb) => ({ booked: eb.ref('capacity') }))
      .where('id', '=', slotId)
      .execute();
    const res = await tier2.agent.post(`/agent/items/${String(number)}/appointment/book`, { slot: String(slotId) });
    expect(res.statusCode).toBe(409);
    expect(tier2.agent.$('#error-summary').text()).toContain('just taken');
    expect((await requestRow(number)).status).toBe('requested');
  });
});

/** A request booked in the first free slot of its nearest field office. */
async function booked(email: string) {
  const r = await request({ email });
  const row = await requestRow(r.number);
  const [near] = (await t.services.appointments.nearestSites(row.zip, row.reason, 1))!;
  const [slot] = await t.services.appointments.freeSlots(near!.site.code, t.clock.now(), 1);
  const actor = { accountId: tier2.accountId, roles: ['tier2' as const] };
  expect(await service().book(actor, row, slot!.id)).toEqual({ ok: true });
  return { ...r, row: await requestRow(r.number), slot: slot! };
}

describe('view your appointment (APPT-4)', () => {
  it('refuses a wrong date of birth exactly as a wrong reference number', async () => {
    const { number } = await booked('view.wrong@example.com');
    const a = visitor();
    const wrongDob = await viewAs(a, number, { dob_month: '4', dob_day: '29', dob_year: '1986' });
    const wrongDobSummary = a.$('#error-summary').text();
    const b = visitor();
    const wrongRef = await viewAs(b, number + 100000);
    expect(wrongDob.statusCode).toBe(404);
    expect(wrongRef.statusCode).toBe(404);
    expect(b.$('#error-summary').text()).toBe(wrongDobSummary);
    expect(a.cookies.has('appointment_view')).toBe(false);
    // Without a view, no letter, no calendar, no cancel.
    expect((await a.get('/appointments/view/letter.pdf')).headers.location).toBe('/appointments/view');
    expect((await a.get('/appointments/view/appointment.ics')).headers.location).toBe('/appointments/view');
  });

  it('locks a reference after five failed tries from any address, a reference nobody has alike, for an hour', async () => {
    const { number } = await booked('view.locked@example.com');
    const wrong = { dob_month: '4', dob_day: '29', dob_year: '1986' };
    const answer = async (reference: number, dob?: typeof wrong) => {
      const a = visitor(); // a new address each time: the per-address limit does not come into it
      const res = await viewAs(a, reference, dob);
      return {
        status: res.statusCode,
        error: a.$('#error-summary').text().trim(),
        viewing: a.cookies.has('appointment_view'),
      };
    };
    const nobodys = number + 200000;
    const refused = await answer(nobodys);
    expect(refused.status).toBe(404);
    for (let i = 0; i < VIEW_MAX_FAILURES - 1; i++) expect(await answer(number, wrong)).toEqual(refused);
    // Four failures: the right date of birth still opens it.
    expect((await answer(number)).viewing).toBe(true);
    expect(await answer(number, wrong)).toEqual(refused);
    // Five: locked, answered exactly as a wrong match, even with the right date of birth.
    expect(await answer(number)).toEqual(refused);
    // A reference nobody has, tried as often, answers the same way: a lock tells nothing about which exist.
    for (let i = 0; i < VIEW_MAX_FAILURES + 1; i++) expect(await answer(nobodys)).toEqual(refused);
    // The lock holds from any address until the hour has passed; then the right date of birth opens it again.
    const before = t.clock.now();
    try {
      t.clock.advance(VIEW_LOCK_MS - 60_000);
      expect(await answer(number)).toEqual(refused);
      t.clock.advance(120_000);
      expect((await answer(number)).viewing).toBe(true);
    } finally {
      t.clock.set(before);
    }
  });

  it('counts simultaneous failed tries of one reference one after another (no lost count)', async () => {
    const { number } = await booked('view.race@example.com');
    const tries = await Promise.all(Array.from({ length: 12 }, () => service().lookup(String(number), '1986-04-29')));
    expect(tries.every((r) => r === undefined)).toBe(true);
    const row = await db()
      .selectFrom('appointment_view_tries')
      .select('failures')
      .where('reference', '=', number)
      .executeTakeFirstOrThrow();
    expect(row.failures).toBe(VIEW_MAX_FAILURES);
    expect(await service().lookup(String(number), '1986-04-28')).toBeUndefined();
  });

  it('shows the appointment, its letter as a real PDF and its .ics, parsed back', async () => {
    const { number, slot, agent } = await booked('view.ok@example.com');
    const res = await viewAs(agent, number);
    expect(res.statusCode).toBe(303);
    await agent.get('/appointments/view');
    expect(agent.$('table').text()).toContain('Appointment booked');
    expect(agent.$('table').text()).toContain('New York City');

    const pdf = await agent.get('/appointments/view/letter.pdf');
    expect(pdf.headers['content-type']).toBe('application/pdf');
    const bytes = pdf.rawPayload;
    expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
    const text = pdfText(bytes).join('\n');
    expect(text).toContain('Appointment Confirmation');
    expect(text).toContain(String(number));
    expect(text).toContain("María José O'Brien-Núñez");
    expect(text).toContain('New York City');

    const ics = await agent.get('/appointments/view/appointment.ics');
    expect(ics.headers['content-type']).toContain('text/calendar');
    const cal = new ICAL.Component(ICAL.parse(ics.body) as unknown[]);
    const event = new ICAL.Event(cal.getFirstSubcomponent('vevent')!);
    expect(event.startDate.toJSDate().getTime()).toBe(slot.starts_at.getTime());
    expect(event.endDate.toJSDate().getTime()).toBe(slot.ends_at.getTime());
    expect(event.startDate.zone?.tzid).toBe('UTC'); // an instant in UTC: right in every calendar's zone
    expect(event.endDate.zone?.tzid).toBe('UTC');
    expect(event.location).toContain('New York City');
    expect(event.location).toContain('NY');
    expect(event.description).toContain('America/New_York');
    expect(event.uid).toContain('@casedesk');
  });

  it('cancels: the seat is freed, the request cancelled, the item noted, a confirmation emailed', async () => {
    const { number, slot, agent, row } = await booked('cancel.me@example.com');
    const taken = await db()
      .selectFrom('appointment_slots')
      .select('booked')
      .where('id', '=', slot.id)
      .executeTakeFirstOrThrow();
    await viewAs(agent, number);
    await agent.get('/appointments/view');
    const unconfirmed = await agent.post('/appointments/view/cancel', {});
    expect(unconfirmed.statusCode).toBe(400);
    const res = await agent.post('/appointments/view/cancel', { confirm: 'yes' });
    expect(res.statusCode).toBe(303);
    await agent.get(res.headers.location as string);
    expect(agent.$('.usa-alert--success').text()).toContain('cancelled');
    const after = await db()
      .selectFrom('appointment_slots')
      .select('booked')
      .where('id', '=', slot.id)
      .executeTakeFirstOrThrow();
    expect(after.booked).toBe(taken.booked - 1);
    expect(await requestRow(number)).toMatchObject({ status: 'cancelled' });
    const booking = await t.services.appointments.booking(row.booking_id!);
    expect(booking?.status).toBe('cancelled');
    const timeline = await t.services.serviceItems.timeline(row.service_item_id);
    expect(timeline.at(-1)).toMatchObject({ kind: 'note' });
    expect(timeline.at(-1)?.body).toContain('cancelled the appointment online');
    expect(await lastMessage(t, 'cancel.me@example.com', 'appointment_cancelled')).toBeDefined();
    // No letter for a cancelled appointment, and a second cancel is refused.
    expect((await agent.get('/appointments/view/letter.pdf')).statusCode).toBe(303);
    expect(await service().cancel(row.id)).toBe('not_booked');
  });

  it('in Spanish', async () => {
    const { number, agent } = await booked('view.es@example.com');
    await viewAs(agent, number);
    await agent.get('/appointments/view?lang=es');
    expect(agent.$('h1').text()).toBe('Ver su cita');
    expect(agent.$('table').text()).toContain('Cita reservada');
    expect(agent.$('a[href="/appointments/view/letter.pdf"]').text()).toContain('carta de confirmación');
  });
});

describe('reminders a day before (fake clock)', () => {
  const sent = async (to: string, template = 'appointment_reminder') =>
    db()
      .selectFrom('notification_messages')
      .select(['channel', 'body'])
      .where('recipient', '=', to)
      .where('template', '=', template)
      .execute();

  it('sends an email and, when opted in, a text; once; none before its time', async () => {
    const { row, slot } = await booked('remind.me@example.com');
    const start = t.clock.now();
    try {
      t.clock.set(new Date(slot.starts_at.getTime() - REMINDER_BEFORE_MS - 3600_000));
      expect(await service().remind(row.id, row.booking_id!)).toBe('early');
      expect(await sent('remind.me@example.com')).toHaveLength(0);
      t.clock.set(new Date(slot.starts_at.getTime() - REMINDER_BEFORE_MS + 60_000));
      expect(await service().remind(row.id, row.booking_id!)).toBe('sent');
      expect(await service().remind(row.id, row.booking_id!)).toBe('skipped');
      expect(await sent('remind.me@example.com')).toHaveLength(1);
      const texts = await sent('+12025550143');
      expect(texts.some((m) => m.channel === 'sms' && m.body.includes('Reminder'))).toBe(true);
    } finally {
      t.clock.set(start);
    }
  });

  it('sends no text without the opt-in, and nothing after a cancel', async () => {
    const { row: quiet, slot } = await booked('no.text@example.com');
    await db()
      .updateTable('appointment_requests')
      .set({ text_reminder: false, phone: '+12025550199' })
      .where('id', '=', quiet.id)
      .execute();
    const { row: cancelled } = await booked('cancelled.remind@example.com');
    expect(await service().cancel(cancelled.id)).toBe('cancelled');
    const start = t.clock.now();
    try {
      t.clock.set(new Date(slot.starts_at.getTime() - REMINDER_BEFORE_MS + 60_000));
      expect(await service().remind(quiet.id, quiet.booking_id!)).toBe('sent');
      expect(await sent('+12025550199')).toHaveLength(0);
      expect(await service().remind(cancelled.id, cancelled.booking_id!)).toBe('skipped');
      expect(await sent('cancelled.remind@example.com')).toHaveLength(0);
    } finally {
      t.clock.set(start);
    }
  });
});

describe('CC-8: appointments within two weeks', () => {
  it('counts the booked appointments within two weeks of their request', async () => {
    const from = new Date(t.clock.now().getTime() - 86_400_000);
    const to = new Date(t.clock.now().getTime() + 86_400_000);
    const before = await service().leadTimes({ from, to });
    const { row } = await booked('lead.time@example.com');
    // One more, far out: the appointment 20 days after the request.
    await db()
      .updateTable('appointment_requests')
      .set({ appointment_at: new Date(row.created_at.getTime() + 20 * 86_400_000) })
      .where('id', '=', row.id)
      .execute();
    await booked('lead.time2@example.com');
    const after = await service().leadTimes({ from, to });
    expect(after.booked - before.booked).toBe(2);
    expect(after.within - before.within).toBe(1);
    // The dashboards show the share (CC-8), on the page and as a CSV.
    const today = TODAY;
    const shown = await t.services.dashboards.appointments({ from: today, to: today, timeZone: 'America/New_York' });
    expect(shown.booked).toBe(after.booked);
    expect(shown.share).toBeCloseTo(after.within / after.booked);
    const supervisor = await createStaffMember(t, {
      email: 'ar.supervisor@agency.example',
      name: 'Sue Supervisor',
      roles: ['tier2'],
      ip: '10.45.0.3',
    });
    const page = await supervisor.agent.get('/staff/dashboards');
    expect(page.statusCode).toBe(200);
    expect(supervisor.agent.$('#appointments-heading').text()).toBe('Field office appointments within two weeks');
    const csv = await supervisor.agent.get('/staff/dashboards/appointments.csv');
    expect(csv.body).toContain('booked,within_two_weeks,within_two_weeks_percent');
  });
});
