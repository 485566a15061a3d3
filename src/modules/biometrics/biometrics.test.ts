import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lastMessage, onlineAccountNumber, signUpApplicant, type Applicant } from '../../../test/accounts-support.js';
import { apiToken, caseEvent, caseIdOf, createTestApp, postCaseEvents, type TestApp } from '../../../test/harness.js';
import { pdfText } from '../../../test/pdf-text.js';
import { seedAppointmentSites } from '../appointments/index.js';
import { formatDate } from '../../platform/format.js';

/** Issue 17 point 2 (BIO-1): biometrics scheduled from a case event, at the nearest ASC, N days out, once per event. */

let t: TestApp;
let events: string;
let ana: Applicant;
let oan: string;
const NOW = '2026-11-23T15:00:00Z'; // a Monday
const DAY = 86_400_000;
const db = () => t.deps.database.db;

async function send(list: unknown[]) {
  const res = await postCaseEvents(t, list, events);
  expect(res.statusCode, res.body).toBe(200);
  return JSON.parse(res.body) as { accepted: number; duplicates: number };
}

const filed = (id: string, receipt: string, zip: string, extra: Record<string, unknown> = {}) =>
  caseEvent(id, receipt, 'case_received', '2026-09-01T15:00:00Z', {
    formCode: 'I-485',
    channel: 'online',
    onlineAccountNumber: oan,
    applicant: { dateOfBirth: '1985-04-12', familyName: 'Pérez', zip },
    ...extra,
  });

async function requestsOf(receipt: string) {
  return db()
    .selectFrom('biometrics_requests')
    .selectAll()
    .where('case_id', '=', await caseIdOf(t, receipt))
    .orderBy('created_at')
    .execute();
}

beforeAll(async () => {
  t = await createTestApp();
  t.clock.set(NOW);
  await seedAppointmentSites(db(), { clock: t.clock, random: t.deps.random });
  events = (await apiToken(t, ['case_events:write'])).token;
  ana = await signUpApplicant(t, 'ana.bio@example.com', '10.18.0.1', 'es');
  oan = await onlineAccountNumber(t, ana.accountId);
});
afterAll(async () => t?.close());

describe('scheduling from a case event (BIO-1)', () => {
  it('books the first free slot at least 14 days out at the ASC nearest the ZIP code, once per event', async () => {
    const receipt = 'IOE0917200001';
    await send([
      filed('bio-1', receipt, '11201'),
      caseEvent('bio-2', receipt, 'biometrics_required', '2026-11-20T15:00:00Z'),
    ]);
    const [request] = await requestsOf(receipt);
    expect(request).toMatchObject({ status: 'waiting', event_id: 'bio-2' });
    const after = await t.services.biometrics.schedule(request!.id);
    expect(after).toMatchObject({ status: 'scheduled', zip: '11201', zip_source: 'case' });
    const booking = await t.services.appointments.booking(after!.booking_id!);
    expect(booking).toMatchObject({ site_code: 'ASC-NYC', status: 'booked', service: 'biometrics' });
    expect(booking!.starts_at.getTime()).toBeGreaterThanOrEqual(Date.parse(NOW) + 14 * DAY);
    // The first free one: nothing free at that site between the lead time and it.
    const earlier = await t.services.appointments.freeSlots('ASC-NYC', new Date(Date.parse(NOW) + 14 * DAY), 1);
    expect(earlier[0]!.starts_at.getTime()).toBeGreaterThanOrEqual(booking!.starts_at.getTime());

    // The case shows it (a biometrics_scheduled event with the time and the place) and has the notice (PDF, Spanish).
    const appointments = await t.services.caseEvents.upcomingAppointments(receipt);
    expect(appointments.map((a) => [a.kind, a.at.toISOString()])).toEqual([
      ['biometrics', booking!.starts_at.toISOString()],
    ]);
    expect(appointments[0]!.locationName).toContain('Centro de Apoyo a Solicitantes de Brooklyn'); // the holder's language;
    const documentId = await t.services.notices.issueFromEvent(`casedesk-biometrics:${booking!.id}:notice`);
    const file = await t.services.notices.file(await caseIdOf(t, receipt), documentId!);
    expect(file!.data.subarray(0, 5).toString()).toBe('%PDF-');
    const text = pdfText(file!.data).join('\n');
    expect(text).toContain(receipt);
    expect(text).toContain('250 Livingston St');
    // The person hears of it in their language, with the time and the place.
    const mail = await lastMessage(t, ana.email, 'biometrics_scheduled');
    expect(mail?.body).toContain('Programamos su cita');
    expect(mail?.body).toContain('250 Livingston St');
    expect(mail?.body).toContain(`/account/cases/${receipt}/biometrics`);

    // The job again, and the event again: nothing more.
    await t.services.biometrics.schedule(request!.id);
    expect(await send([caseEvent('bio-2', receipt, 'biometrics_required', '2026-11-20T15:00:00Z')])).toMatchObject({
      accepted: 0,
      duplicates: 1,
    });
    expect(await requestsOf(receipt)).toHaveLength(1);
    expect(await t.services.appointments.bookingsOf({ caseId: await caseIdOf(t, receipt) })).toHaveLength(1);
  });

  it("prints the time by the ASC's own clock on the notice and the card (Los Angeles, not the agency's zone)", async () => {
    const receipt = 'IOE0917200091';
    await send([
      filed('bio-la-1', receipt, '90012'),
      caseEvent('bio-la-2', receipt, 'biometrics_required', '2026-11-20T15:00:00Z'),
    ]);
    const [request] = await requestsOf(receipt);
    const after = await t.services.biometrics.schedule(request!.id);
    const booking = await t.services.appointments.booking(after!.booking_id!);
    expect(booking).toMatchObject({ site_code: 'ASC-LOS' });
    const [appointment] = await t.services.caseEvents.upcomingAppointments(receipt);
    expect(appointment).toMatchObject({ kind: 'biometrics', timeZone: 'America/Los_Angeles' });
    const documentId = await t.services.notices.issueFromEvent(`casedesk-biometrics:${booking!.id}:notice`);
    const file = await t.services.notices.file(await caseIdOf(t, receipt), documentId!);
    const text = pdfText(file!.data).join('\n');
    const pacific = formatDate(booking!.starts_at, 'es', 'America/Los_Angeles', 'time');
    const eastern = formatDate(booking!.starts_at, 'es', 'America/New_York', 'time');
    expect(pacific).not.toBe(eastern);
    expect(text).toContain(pacific);
    expect(text).not.toContain(eastern);
  });

  it('asks again for a request left without an appointment once the case gives a ZIP code of a known place', async () => {
    const receipt = 'IOE0917200092';
    await send([
      filed('bio-nz-1', receipt, '00000'),
      caseEvent('bio-nz-2', receipt, 'biometrics_required', '2026-11-20T15:00:00Z'),
    ]);
    const [request] = await requestsOf(receipt);
    expect(await t.services.biometrics.schedule(request!.id)).toMatchObject({ status: 'no_zip', booking_id: null });
    // Nothing changed: asked again, still without one.
    expect(await t.services.biometrics.retryUnscheduled()).toBe(0);
    expect((await requestsOf(receipt))[0]).toMatchObject({ status: 'no_zip' });
    // The agency's records now give a ZIP code in Chicago: the next retry books there.
    await send([
      caseEvent('bio-nz-3', receipt, 'notice_issued', '2026-11-21T15:00:00Z', {
        noticeType: 'address_notice',
        applicant: { dateOfBirth: '1985-04-12', familyName: 'Pérez', zip: '60601' },
      }),
    ]);
    expect(await t.services.biometrics.retryUnscheduled()).toBeGreaterThanOrEqual(1);
    const [after] = await requestsOf(receipt);
    expect(after).toMatchObject({ status: 'scheduled', zip: '60601' });
    expect(await t.services.appointments.booking(after!.booking_id!)).toMatchObject({ site_code: 'ASC-CHI' });
  });

  it('takes the lead time from the settings (data administrators change)', async () => {
    await db().updateTable('biometrics_settings').set({ lead_days: 30 }).execute();
    try {
      const receipt = 'IOE0917200002';
      await send([filed('bio-3', receipt, '60605'), caseEvent('bio-4', receipt, 'biometrics_required', NOW)]);
      const [request] = await requestsOf(receipt);
      const after = await t.services.biometrics.schedule(request!.id);
      const booking = await t.services.appointments.booking(after!.booking_id!);
      expect(booking!.site_code).toBe('ASC-CHI');
      expect(booking!.starts_at.getTime()).toBeGreaterThanOrEqual(Date.parse(NOW) + 30 * DAY);
      expect(booking!.starts_at.getTime()).toBeLessThan(Date.parse(NOW) + 37 * DAY);
    } finally {
      await db().updateTable('biometrics_settings').set({ lead_days: 14 }).execute();
    }
  });

  it('treats biometrics_scheduled without a time as the same request, and with a time as the agency’s own', async () => {
    const receipt = 'IOE0917200003';
    await send([
      filed('bio-5', receipt, '33138'),
      caseEvent('bio-6', receipt, 'biometrics_scheduled', '2026-11-21T15:00:00Z', {
        appointmentAt: '2026-12-20T14:00:00Z',
        locationName: 'Agency ASC',
      }),
    ]);
    expect(await requestsOf(receipt)).toEqual([]);
    await send([caseEvent('bio-7', receipt, 'biometrics_scheduled', '2026-11-22T15:00:00Z')]);
    const [request] = await requestsOf(receipt);
    const after = await t.services.biometrics.schedule(request!.id);
    expect((await t.services.appointments.booking(after!.booking_id!))!.site_code).toBe('ASC-MIA');
  });

  it('schedules nothing when biometrics are reused, and says so', async () => {
    const receipt = 'IOE0917200004';
    await send([
      filed('bio-8', receipt, '11201'),
      caseEvent('bio-9', receipt, 'biometrics_required', NOW, { reuse: true }),
    ]);
    const [request] = await requestsOf(receipt);
    expect(request).toMatchObject({ status: 'reused', booking_id: null });
    expect(await t.services.caseEvents.biometricsReused(receipt)).toBe(true);
    const jobs = await db()
      .selectFrom('pgboss.job' as never)
      .select('data' as never)
      .where('name' as never, '=', 'biometrics-schedule' as never)
      .execute();
    expect(JSON.stringify(jobs)).not.toContain(request!.id);
  });

  it('chooses by the account’s newer change of address, and joins an appointment still to come', async () => {
    const receipt = 'IOE0917200005';
    await send([filed('bio-10', receipt, '11201')]);
    const caseId = await caseIdOf(t, receipt);
    const changed = await t.services.addressChanges.submit(
      { id: ana.accountId, email: ana.email, language: 'es' },
      {
        mailing: { kind: 'us', street: '101 W Congress Pkwy', city: 'Chicago', state: 'IL', zip: '60605' } as never,
        physical: { kind: 'us' } as never,
        same: true,
      },
    );
    expect(changed.ok).toBe(true);
    expect(await t.services.biometrics.zipOf(caseId, receipt)).toEqual({ zip: '60605', source: 'address_change' });
    await send([caseEvent('bio-11', receipt, 'biometrics_required', NOW)]);
    const [first] = await requestsOf(receipt);
    const after = await t.services.biometrics.schedule(first!.id);
    expect((await t.services.appointments.booking(after!.booking_id!))!.site_code).toBe('ASC-CHI');
    await send([caseEvent('bio-12', receipt, 'biometrics_required', '2026-11-23T16:00:00Z')]);
    const second = (await requestsOf(receipt))[1]!;
    expect(await t.services.biometrics.schedule(second.id)).toMatchObject({ status: 'joined', booking_id: null });
    expect(await t.services.appointments.bookingsOf({ caseId })).toHaveLength(1);
  });

  it('books one appointment when two requests of one case are scheduled at once (the case is locked)', async () => {
    const receipt = 'IOE0917200008';
    await send([
      filed('bio-18', receipt, '11201'),
      caseEvent('bio-19', receipt, 'biometrics_required', NOW),
      caseEvent('bio-20', receipt, 'biometrics_required', '2026-11-23T15:30:00Z'),
    ]);
    const requests = await requestsOf(receipt);
    expect(requests.map((r) => r.status)).toEqual(['waiting', 'waiting']);
    const after = await Promise.all(requests.map((r) => t.services.biometrics.schedule(r.id)));
    expect(after.map((r) => r!.status).sort()).toEqual(['joined', 'scheduled']);
    const bookings = await t.services.appointments.bookingsOf({ caseId: await caseIdOf(t, receipt) });
    expect(bookings).toHaveLength(1);
    // The page's scheduled request is the one holding that booking.
    const view = (await t.services.biometrics.view(receipt))!;
    expect(view.request!.booking_id).toBe(bookings[0]!.id);
    expect(view.appointment!.booking.id).toBe(bookings[0]!.id);
  });

  it('moves an appointment once when two reschedules of it race (the request row serializes them)', async () => {
    const receipt = 'IOE0917200006';
    await send([filed('bio-13', receipt, '02203'), caseEvent('bio-14', receipt, 'biometrics_required', NOW)]);
    const [request] = await requestsOf(receipt);
    await t.services.biometrics.schedule(request!.id);
    t.clock.advance(60_000);
    const view = (await t.services.biometrics.view(receipt))!;
    const slots = (await t.services.biometrics.choices(view))[0]!.slots;
    const outcomes = await Promise.all(
      slots
        .slice(0, 2)
        .map((s) =>
          t.services.biometrics.rescheduleOnline(
            ana.accountId,
            receipt,
            { reason: 'medical', reasonText: '', choice: { slotId: s.id } },
            new Set(['biometrics_reschedule'] as const),
          ),
        ),
    );
    expect(outcomes.filter((o) => o.ok)).toHaveLength(1);
    const bookings = await t.services.appointments.bookingsOf({ caseId: await caseIdOf(t, receipt) });
    expect(bookings.filter((b) => b.status === 'booked')).toHaveLength(1);
    expect((await t.services.biometrics.view(receipt))!.onlineReschedules).toBe(1);
  });

  it('schedules a Section 1367 case too, telling the holder only that there is an update (CC-6)', async () => {
    const receipt = 'IOE0917200007';
    await send([
      filed('bio-15', receipt, '11201'),
      caseEvent('bio-16', receipt, 'protection_updated', '2026-10-01T15:00:00Z', { section1367: true }),
      caseEvent('bio-17', receipt, 'biometrics_required', NOW),
    ]);
    const [request] = await requestsOf(receipt);
    const before = await db()
      .selectFrom('notification_messages')
      .select('id')
      .where('recipient', '=', ana.email)
      .execute();
    expect(await t.services.biometrics.schedule(request!.id)).toMatchObject({ status: 'scheduled' });
    const sent = await db()
      .selectFrom('notification_messages')
      .select(['template', 'subject', 'body'])
      .where('recipient', '=', ana.email)
      .where('id', 'not in', before.length ? before.map((m) => m.id) : [''])
      .execute();
    expect(sent.map((m) => m.template)).not.toContain('biometrics_scheduled');
    expect(sent.map((m) => m.template)).toContain('case_update_available');
    expect(JSON.stringify(sent)).not.toContain(receipt);
    expect(JSON.stringify(sent)).not.toContain('Livingston');
  });
});
