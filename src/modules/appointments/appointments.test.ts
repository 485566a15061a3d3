import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestAgent } from '../../../test/agent.js';
import { createTestApp, type TestApp } from '../../../test/harness.js';
import { createStaffMember, type StaffPerson } from '../../../test/staff-support.js';
import { parseSiteForm, parseTemplateForm, type SiteForm } from './rules.js';
import { seedAppointmentSites } from './seed.js';
import { isoWeekday, slotsFromTemplates, type AppointmentService } from './service.js';
import { slotTimeText } from './views.js';

/** Appointment places and capacity (issue 17 point 1): slots by the sites' clocks, nearest sites, booking, admin. */

let t: TestApp;
let admin: StaffPerson;
let tierOne: StaffPerson;
let caseIds: number[];

const NOW = '2026-11-23T15:00:00Z'; // Monday, 10:00 in New York; Thanksgiving is Thursday 2026-11-26
const db = () => t.deps.database.db;
const appointments = (): AppointmentService => t.services.appointments;

beforeAll(async () => {
  t = await createTestApp();
  t.clock.set(NOW);
  await seedAppointmentSites(db(), { clock: t.clock, random: t.deps.random });
  admin = await createStaffMember(t, {
    email: 'appt.admin@agency.example',
    name: 'Ada Admin',
    roles: ['administrator'],
    ip: '10.41.0.1',
  });
  tierOne = await createStaffMember(t, {
    email: 'appt.tier1@agency.example',
    name: 'Tom Tier',
    roles: ['tier1'],
    ip: '10.41.0.2',
  });
  caseIds = (await db().selectFrom('cases').select('id').orderBy('id').limit(60).execute()).map((r) => r.id);
  expect(caseIds.length).toBe(60);
});
afterAll(async () => t?.close());

const NEW_YORK = { code: 'X-NY', time_zone: 'America/New_York' };
const HONOLULU = { code: 'X-HNL', time_zone: 'Pacific/Honolulu' };
const monday8 = [{ weekday: 1, start_time: '08:00', duration_minutes: 30, capacity: 3 }];

describe('slots by the site clock', () => {
  it('keeps the local time across the March and November DST changes in New York', () => {
    // DST starts Sunday 2027-03-14 and ends Sunday 2027-11-07.
    const march = slotsFromTemplates(NEW_YORK, monday8, [], '2027-03-08', 14);
    expect(march.map((s) => s.starts_at.toISOString())).toEqual([
      '2027-03-08T13:00:00.000Z',
      '2027-03-15T12:00:00.000Z',
    ]);
    expect(march.map((s) => s.local_time)).toEqual(['08:00', '08:00']);
    const november = slotsFromTemplates(NEW_YORK, monday8, [], '2027-11-01', 14);
    expect(november.map((s) => s.starts_at.toISOString())).toEqual([
      '2027-11-01T12:00:00.000Z',
      '2027-11-08T13:00:00.000Z',
    ]);
    expect(november[0]!.ends_at.toISOString()).toBe('2027-11-01T12:30:00.000Z');
    expect(march.map((s) => slotTimeText(s, NEW_YORK, 'en'))).toEqual([
      'Monday, March 8, 2027 at 8:00 AM EST',
      'Monday, March 15, 2027 at 8:00 AM EDT',
    ]);
    expect(slotTimeText(march[1]!, NEW_YORK, 'es')).toMatch(/^lunes, 15 de marzo de 2027, 8:00\sa\.\s?m\.\s\S+$/);
  });

  it('has no DST in Honolulu: the same UTC instant all year', () => {
    const slots = [
      ...slotsFromTemplates(HONOLULU, monday8, [], '2027-03-08', 14),
      ...slotsFromTemplates(HONOLULU, monday8, [], '2027-11-01', 14),
    ];
    expect(slots.map((s) => s.starts_at.toISOString().slice(11))).toEqual(Array(4).fill('18:00:00.000Z'));
    expect(slots.map((s) => slotTimeText(s, HONOLULU, 'en'))).toEqual([
      'Monday, March 8, 2027 at 8:00 AM HST',
      'Monday, March 15, 2027 at 8:00 AM HST',
      'Monday, November 1, 2027 at 8:00 AM HST',
      'Monday, November 8, 2027 at 8:00 AM HST',
    ]);
  });

  it('skips federal holidays (observed days too), the site closures and every-site closures', () => {
    const weekdays = [1, 2, 3, 4, 5].map((weekday) => ({ ...monday8[0]!, weekday }));
    const dates = (closures: { site_code: string | null; date: string }[], from: string, days: number) =>
      slotsFromTemplates(NEW_YORK, weekdays, closures, from, days).map((s) => s.local_date);
    // Thanksgiving (Thursday 2026-11-26) is skipped; the Friday after is a business day.
    expect(dates([], '2026-11-23', 7)).toEqual(['2026-11-23', '2026-11-24', '2026-11-25', '2026-11-27']);
    // Independence Day 2027 is a Sunday, observed on Monday 2027-07-05.
    expect(dates([], '2027-07-05', 1)).toEqual([]);
    // A closure of this site, of another site, and of every site.
    expect(
      dates(
        [
          { site_code: 'X-NY', date: '2026-11-23' },
          { site_code: 'OTHER', date: '2026-11-24' },
          { site_code: null, date: '2026-11-25' },
        ],
        '2026-11-23',
        3,
      ),
    ).toEqual(['2026-11-24']);
    expect(isoWeekday('2026-11-29')).toBe(7);
  });

  it('materialises the seeded sites for the next N days, never on a holiday, never in the past', async () => {
    const rows = await db().selectFrom('appointment_slots').select(['site_code', 'local_date', 'starts_at']).execute();
    expect(rows.length).toBeGreaterThan(1000);
    expect(rows.some((r) => r.local_date === '2026-11-26')).toBe(false);
    expect(rows.every((r) => r.starts_at > new Date(NOW))).toBe(true);
    const last = rows
      .map((r) => r.local_date)
      .sort()
      .at(-1)!;
    expect(last <= '2027-01-21').toBe(true); // 60 days from 2026-11-23
    // Honolulu's 8:00 is 18:00 UTC; New York's Brooklyn ASC 8:00 is 13:00 UTC in winter.
    const hnl = rows.filter((r) => r.site_code === 'ASC-HNL').map((r) => r.starts_at.toISOString().slice(11, 16));
    expect(hnl).toContain('18:00');
    expect(hnl).not.toContain('13:00');
    expect(await appointments().generateSlots()).toBe(0); // nothing twice
  });
});

describe('nearest sites by ZIP code', () => {
  it('orders by distance from the ZIP code, for the service asked', async () => {
    const chicago = (await appointments().nearestSites('60601', 'biometrics', 3))!;
    expect(chicago.map((n) => n.site.code)[0]).toBe('ASC-CHI');
    expect(chicago[0]!.miles).toBeLessThan(5);
    for (let i = 1; i < chicago.length; i++) expect(chicago[i]!.miles).toBeGreaterThanOrEqual(chicago[i - 1]!.miles);
    expect((await appointments().nearestSites('96815-1234', 'biometrics', 1))![0]!.site.code).toBe('ASC-HNL');
    expect((await appointments().nearestSites('00926', 'interview', 1))![0]!.site.code).toBe('FO-SJU');
    expect((await appointments().nearestSites('11211', 'biometrics', 2))!.map((n) => n.site.code)).toEqual([
      'ASC-NYC',
      'ASC-BOS',
    ]);
    // Field offices do not take biometrics; ASCs do not take interviews.
    expect((await appointments().nearestSites('90012', 'biometrics', 18))!.every((n) => n.site.kind === 'asc')).toBe(
      true,
    );
    expect(await appointments().nearestSites('00000', 'biometrics')).toBeUndefined();
    expect(await appointments().nearestSites('abc', 'biometrics')).toBeUndefined();
  });
});

let made = 0;
/** A fresh slot of a site, far ahead, with the capacity given (a few seconds past the time: no template's slot). */
async function slotWith(capacity: number, site = 'ASC-CHI', time = '2027-01-15T16:00:00Z'): Promise<number> {
  const at = new Date(new Date(time).getTime() + ++made * 1000).toISOString();
  const row = await db()
    .insertInto('appointment_slots')
    .values({
      site_code: site,
      local_date: at.slice(0, 10),
      local_time: 'test',
      starts_at: new Date(at),
      ends_at: new Date(new Date(at).getTime() + 1800_000),
      capacity,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}
const bookedOf = async (id: number) =>
  (await db().selectFrom('appointment_slots').select('booked').where('id', '=', id).executeTakeFirstOrThrow()).booked;
const bookingsOfSlot = async (id: number) =>
  (
    await db()
      .selectFrom('appointment_bookings')
      .select('id')
      .where('slot_id', '=', id)
      .where('status', '=', 'booked')
      .execute()
  ).length;

describe('booking', () => {
  it('is never oversold: 50 books at once for 5 seats give exactly 5 bookings', async () => {
    const slot = await slotWith(5, 'ASC-CHI', '2027-01-15T15:00:00Z');
    const results = await Promise.all(
      caseIds.slice(0, 50).map((caseId) => appointments().book(slot, 'biometrics', { caseId })),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(5);
    expect(results.filter((r) => !r.ok).map((r) => !r.ok && r.problem)).toEqual(Array(45).fill('full'));
    expect(await bookedOf(slot)).toBe(5);
    expect(await bookingsOfSlot(slot)).toBe(5);
  });

  it('frees a seat on cancel, once', async () => {
    const slot = await slotWith(1, 'ASC-CHI', '2027-01-15T17:00:00Z');
    const first = await appointments().book(slot, 'biometrics', { caseId: caseIds[0]! });
    expect(first.ok).toBe(true);
    expect(await appointments().book(slot, 'biometrics', { caseId: caseIds[1]! })).toEqual({
      ok: false,
      problem: 'full',
    });
    if (!first.ok) return;
    expect(await appointments().cancel(first.booking.id)).toBe(true);
    expect(await appointments().cancel(first.booking.id)).toBe(false);
    expect(await bookedOf(slot)).toBe(0);
    expect((await appointments().booking(first.booking.id))!.status).toBe('cancelled');
    expect((await appointments().book(slot, 'biometrics', { caseId: caseIds[1]! })).ok).toBe(true);
  });

  it('reschedules atomically: a full slot leaves the booking as it was, a free one moves it', async () => {
    const from = await slotWith(2, 'ASC-CHI', '2027-01-18T15:00:00Z');
    const full = await slotWith(1, 'ASC-CHI', '2027-01-18T16:00:00Z');
    const free = await slotWith(1, 'ASC-CHI', '2027-01-18T17:00:00Z');
    const first = await appointments().book(from, 'biometrics', { caseId: caseIds[2]! });
    expect((await appointments().book(full, 'biometrics', { caseId: caseIds[3]! })).ok).toBe(true);
    if (!first.ok) throw new Error('not booked');
    expect(await appointments().reschedule(first.booking.id, full)).toEqual({ ok: false, problem: 'full' });
    expect((await appointments().booking(first.booking.id))!.status).toBe('booked');
    expect(await bookedOf(from)).toBe(1);
    expect(await appointments().reschedule(first.booking.id, from)).toEqual({ ok: false, problem: 'same_slot' });
    const moved = await appointments().reschedule(first.booking.id, free);
    expect(moved.ok).toBe(true);
    if (!moved.ok) return;
    expect(moved.booking.case_id).toBe(caseIds[2]);
    expect(moved.previous.status).toBe('rescheduled');
    expect(moved.previous.rescheduled_to).toBe(moved.booking.id);
    expect([await bookedOf(from), await bookedOf(full), await bookedOf(free)]).toEqual([0, 1, 1]);
    expect(await appointments().reschedule(first.booking.id, free)).toEqual({ ok: false, problem: 'not_booked' });
    expect(await appointments().cancel(first.booking.id)).toBe(false);
  });

  it('two reschedules at once into the last seat: one moves, the other keeps its booking', async () => {
    const a = await slotWith(2, 'ASC-CHI', '2027-01-19T15:00:00Z');
    const last = await slotWith(1, 'ASC-CHI', '2027-01-19T16:00:00Z');
    const one = await appointments().book(a, 'biometrics', { caseId: caseIds[4]! });
    const two = await appointments().book(a, 'biometrics', { caseId: caseIds[5]! });
    if (!one.ok || !two.ok) throw new Error('not booked');
    const results = await Promise.all([
      appointments().reschedule(one.booking.id, last),
      appointments().reschedule(two.booking.id, last),
    ]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect([await bookedOf(a), await bookedOf(last)]).toEqual([1, 1]);
  });

  it('refuses a passed slot, a service the site does not offer, an unknown slot, and no subject', async () => {
    const passed = await slotWith(3, 'ASC-CHI', '2026-11-23T14:00:00Z');
    expect(await appointments().book(passed, 'biometrics', { caseId: caseIds[6]! })).toEqual({
      ok: false,
      problem: 'passed',
    });
    const office = await slotWith(3, 'FO-CHI', '2027-01-20T15:00:00Z');
    expect(await appointments().book(office, 'biometrics', { caseId: caseIds[6]! })).toEqual({
      ok: false,
      problem: 'not_offered',
    });
    const ok = await appointments().book(office, 'adit_stamp', { caseId: caseIds[6]! });
    expect(ok.ok && ok.booking.purpose).toBe('field_office');
    expect(await appointments().book(999_999_999, 'biometrics', { caseId: caseIds[6]! })).toEqual({
      ok: false,
      problem: 'unknown_slot',
    });
    expect(await appointments().book(office, 'interview', {})).toEqual({ ok: false, problem: 'no_subject' });
  });

  it('books the first free slot at least N days out, skipping full ones', async () => {
    const notBefore = new Date('2026-12-07T00:00:00Z');
    const first = (await appointments().firstFreeSlot('ASC-HNL', 'biometrics', notBefore))!;
    expect(first.starts_at.toISOString()).toBe('2026-12-07T18:00:00.000Z'); // Monday 8:00 HST
    await db().updateTable('appointment_slots').set({ capacity: 0 }).where('id', '=', first.id).execute();
    const booked = (await appointments().bookFirstFree('ASC-HNL', 'biometrics', notBefore, { caseId: caseIds[7]! }))!;
    expect(booked.slot.starts_at.toISOString()).toBe('2026-12-07T18:30:00.000Z');
    expect(await appointments().firstFreeSlot('FO-HNL', 'biometrics', notBefore)).toBeUndefined();
  });
});

describe('site, template and closure rules', () => {
  const valid: SiteForm = {
    code: 'asc-sea',
    kind: 'asc',
    name_en: 'Seattle Application Support Center',
    name_es: 'Centro de Apoyo a Solicitantes de Seattle',
    address_line1: '12500 Tukwila International Blvd',
    address_line2: '',
    city: 'Seattle',
    state: 'WA',
    zip: '98134',
    latitude: '',
    longitude: '',
    time_zone: 'America/Los_Angeles',
    services: ['biometrics'],
    active: true,
  };
  it('reads a site, taking the ZIP code location when no coordinates are given', () => {
    const r = parseSiteForm(valid);
    expect(r.ok && [r.site.code, r.site.latitude, r.site.longitude]).toEqual(['ASC-SEA', 47.5903, -122.3263]);
  });
  it('names each problem', () => {
    const problems = (form: Partial<SiteForm>) => {
      const r = parseSiteForm({ ...valid, ...form });
      return r.ok ? [] : r.problems.map((p) => `${p.field}:${p.key.split('.').at(-1)}`);
    };
    expect(problems({ zip: '60605' })).toEqual(['zip:zip_state']);
    expect(problems({ kind: 'asc', services: ['interview'] })).toEqual(['services:asc_biometrics']);
    expect(problems({ latitude: '47.5' })).toEqual(['latitude:coordinates_both']);
    expect(problems({ latitude: '95', longitude: '0' })).toEqual(['latitude:coordinate_invalid']);
    expect(problems({ time_zone: 'Europe/Paris', code: 'a b' })).toEqual([
      'code:code_invalid',
      'time_zone:time_zone_required',
    ]);
    expect(problems({ services: ['biometrics', 'haircut'] })).toEqual(['services:services_required']);
    const t1 = parseTemplateForm({ weekday: '8', start_time: '25:00', duration_minutes: '1', capacity: '0' });
    expect(t1.ok ? [] : t1.problems.map((p) => p.field)).toEqual([
      'weekday',
      'start_time',
      'duration_minutes',
      'capacity',
    ]);
    const t2 = parseTemplateForm({ weekday: '6', start_time: '2:30 pm', duration_minutes: '45', capacity: '3' });
    expect(t2.ok && t2.template).toEqual({ weekday: 6, start_time: '14:30', duration_minutes: 45, capacity: 3 });
  });
});

describe('administrators edit sites at /staff/appointment-sites', () => {
  const PATH = '/staff/appointment-sites';
  const audit = (action: string) =>
    db().selectFrom('audit_log').selectAll().where('action', '=', action).orderBy('id', 'desc').execute();

  it('is refused to other staff and to visitors', async () => {
    expect((await tierOne.agent.get(PATH)).statusCode).toBe(403);
    await tierOne.agent.get('/staff');
    expect((await tierOne.agent.post(`${PATH}/closures`, { site_code: '*' })).statusCode).toBe(403);
    expect((await new TestAgent(t.app, '10.41.9.9').get(PATH)).headers.location).toBe('/account/sign-in');
  });

  it('lists the sites and adds one, with field errors first', async () => {
    const a = admin.agent;
    expect((await a.get(PATH)).statusCode).toBe(200);
    expect(a.$(`nav a[href="${PATH}"]`).attr('aria-current')).toBe('page');
    expect(a.tableRows((c) => c === 'Appointment sites').length).toBe(18);
    await a.get(`${PATH}/new`);
    let res = await a.post(PATH, { code: '', kind: '', zip: '123' });
    expect(res.statusCode).toBe(400);
    const summary = a
      .$('#error-summary a')
      .map((_, el) => a.$(el).attr('href'))
      .get();
    expect(summary).toEqual([
      '#code',
      '#kind',
      '#name_en',
      '#name_es',
      '#address_line1',
      '#city',
      '#state',
      '#zip',
      '#time_zone',
      '#services',
    ]);
    expect(a.$('#zip-error').text()).toContain('Enter a ZIP code of 5 digits');
    res = await a.post(PATH, {
      code: 'asc-sea',
      kind: 'asc',
      name_en: 'Seattle Application Support Center',
      name_es: 'Centro de Apoyo a Solicitantes de Seattle',
      address_line1: '12500 Tukwila International Blvd',
      city: 'Seattle',
      state: 'WA',
      zip: '98134',
      time_zone: 'America/Los_Angeles',
      services: ['biometrics'],
      active: '1',
    });
    expect(res.headers.location).toBe(`${PATH}/ASC-SEA?done=site_saved`);
    expect((await audit('appointments.site_added'))[0]!.subject_id).toBe('ASC-SEA');
    await a.get(PATH);
    await a.get(`${PATH}/new`);
    res = await a.post(PATH, {
      code: 'ASC-SEA',
      kind: 'asc',
      name_en: 'x',
      name_es: 'x',
      address_line1: 'x',
      city: 'x',
      state: 'WA',
      zip: '98134',
      time_zone: 'America/Los_Angeles',
      services: ['biometrics'],
    });
    expect(res.statusCode).toBe(400);
    expect(a.$('#code-error').text()).toContain('already exists');
  });

  it('adds and removes weekly times, and their slots with them', async () => {
    const a = admin.agent;
    const slots = () =>
      db()
        .selectFrom('appointment_slots')
        .select(['starts_at', 'local_time'])
        .where('site_code', '=', 'ASC-SEA')
        .execute();
    expect(await slots()).toEqual([]);
    await a.get(`${PATH}/ASC-SEA`);
    let res = await a.post(`${PATH}/ASC-SEA/templates`, {
      weekday: '',
      start_time: '9',
      duration_minutes: 'x',
      capacity: '',
    });
    expect(res.statusCode).toBe(400);
    expect(a.$('#error-summary a').length).toBe(4);
    res = await a.post(`${PATH}/ASC-SEA/templates`, {
      weekday: '2',
      start_time: '9:00 am',
      duration_minutes: '30',
      capacity: '6',
    });
    expect(res.headers.location).toBe(`${PATH}/ASC-SEA?done=template_added`);
    const made = await slots();
    expect(made.length).toBeGreaterThan(6);
    expect(made.every((s) => s.starts_at.toISOString().slice(11, 16) === '17:00')).toBe(true); // 9:00 PST
    await a.get(`${PATH}/ASC-SEA`);
    expect(a.$('main').text()).toContain('Tuesday');
    const id = a.$(`form[action="${PATH}/ASC-SEA/templates/remove"] input[name=id]`).val() as string;
    res = await a.post(`${PATH}/ASC-SEA/templates/remove`, { id });
    expect(res.headers.location).toBe(`${PATH}/ASC-SEA?done=template_removed`);
    expect(await slots()).toEqual([]);
    expect((await audit('appointments.template_removed')).length).toBe(1);
  });

  it('closes a site for a day: its free slots go, booked ones keep their bookings and take no more', async () => {
    const a = admin.agent;
    const date = '2026-12-01';
    const daySlots = () =>
      db()
        .selectFrom('appointment_slots')
        .select(['id', 'booked', 'capacity'])
        .where('site_code', '=', 'ASC-ATL')
        .where('local_date', '=', date)
        .execute();
    const before = await daySlots();
    expect(before.length).toBe(16);
    expect((await appointments().book(before[0]!.id, 'biometrics', { caseId: caseIds[8]! })).ok).toBe(true);
    await a.get(PATH);
    let res = await a.post(`${PATH}/closures`, {
      site_code: 'ASC-ATL',
      closure_month: '13',
      closure_day: '1',
      closure_year: '2026',
      reason_en: '',
      reason_es: '',
    });
    expect(res.statusCode).toBe(400);
    expect(
      a
        .$('#error-summary a')
        .map((_, el) => a.$(el).attr('href'))
        .get(),
    ).toEqual(['#closure_month', '#reason_en', '#reason_es']);
    res = await a.post(`${PATH}/closures`, {
      site_code: 'ASC-ATL',
      closure_month: '12',
      closure_day: '1',
      closure_year: '2026',
      reason_en: 'Building maintenance',
      reason_es: 'Mantenimiento del edificio',
    });
    expect(res.headers.location).toBe(`${PATH}?done=closure_added`);
    expect(await daySlots()).toEqual([{ id: before[0]!.id, booked: 1, capacity: 1 }]);
    expect((await audit('appointments.closure_added'))[0]!.details).toMatchObject({
      withdrawn: { deleted: 15, kept: 1 },
    });
    await a.get(PATH);
    expect(a.tableRows((c) => c === 'Closures to come')[0]).toContain('Building maintenance');
    const id = a.$(`form[action="${PATH}/closures/remove"] input[name=id]`).val() as string;
    res = await a.post(`${PATH}/closures/remove`, { id });
    expect(res.headers.location).toBe(`${PATH}?done=closure_removed`);
    expect((await daySlots()).length).toBe(16);
  });

  it('speaks Spanish', async () => {
    const a = admin.agent;
    await a.get(`${PATH}?lang=es`);
    expect(a.$('h1').text()).toBe('Lugares de citas');
    const res = await a.post(`${PATH}/closures`, {
      site_code: 'NOPE',
      closure_month: '',
      closure_day: '',
      closure_year: '',
      reason_en: 'x',
      reason_es: 'x',
    });
    expect(res.statusCode).toBe(400);
    expect(a.$('#error-summary').text()).toContain('Seleccione un lugar, o todos los lugares.');
    expect(a.$('#error-summary').text()).toContain('Ingrese la fecha.');
    await a.get(`${PATH}?lang=en`);
  });
});
