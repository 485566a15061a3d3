import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/harness.js';
import { createStaffMember, type StaffPerson } from '../../../test/staff-support.js';
import { instantAtLocalTime, parseTimeOfDay } from '../../platform/format.js';

/** The officer's case page (issue 15 point 12): the evidence and messages of the case; an interview's date, time, place. */

const RECEIPT = 'LIN9999106498';
let t: TestApp;
let officer: StaffPerson;
beforeAll(async () => {
  t = await createTestApp();
  officer = await createStaffMember(t, {
    email: 'oscar.officer@agency.example',
    name: 'Oscar Officer',
    roles: ['officer'],
    ip: '10.15.2.1',
  });
});
afterAll(async () => t?.close());

const caseId = async () =>
  (
    await t.deps.database.db
      .selectFrom('cases')
      .select('id')
      .where('receipt_number', '=', RECEIPT)
      .executeTakeFirstOrThrow()
  ).id;

describe("the officer's case page (issue 15 point 12)", () => {
  it('reads times as people type them, in the agency time zone', () => {
    expect(parseTimeOfDay('9:30 AM')).toBe('09:30');
    expect(parseTimeOfDay('2 p.m.')).toBe('14:00');
    expect(parseTimeOfDay('14:05')).toBe('14:05');
    expect(parseTimeOfDay('12 am')).toBe('00:00');
    for (const bad of ['9', '25:00', '13 pm', '9:75', 'noon']) expect(parseTimeOfDay(bad)).toBeUndefined();
    // 9:30 in New York is 14:30 UTC in winter and 13:30 UTC in summer.
    expect(instantAtLocalTime('2026-12-15', '09:30', 'America/New_York').toISOString()).toBe(
      '2026-12-15T14:30:00.000Z',
    );
    expect(instantAtLocalTime('2026-07-15', '09:30', 'America/New_York').toISOString()).toBe(
      '2026-07-15T13:30:00.000Z',
    );
  });

  it('schedules an interview with a date, a time and a place, each required, into the case event', async () => {
    await officer.agent.get(`/officer/cases/${RECEIPT}`);
    expect(officer.agent.$('#appointment_date').length).toBe(1);
    let res = await officer.agent.post(`/officer/cases/${RECEIPT}/events`, { type: 'interview_scheduled' });
    expect(res.statusCode).toBe(400);
    expect(officer.agent.errorSummary()).toEqual([
      'Enter the date of the appointment',
      'Enter the time of the appointment',
      'Enter the place of the interview',
    ]);
    res = await officer.agent.post(`/officer/cases/${RECEIPT}/events`, {
      type: 'interview_scheduled',
      appointment_date: 'December 15, 2026',
      appointment_time: '25 o’clock',
      location_name: 'Chicago Field Office, 101 W Congress Pkwy',
    });
    expect(res.statusCode).toBe(400);
    expect(officer.agent.errorSummary()).toEqual(['Enter the time as, for example, 9:30 AM or 14:00']);
    expect(officer.agent.$('#location_name').val()).toBe('Chicago Field Office, 101 W Congress Pkwy');
    res = await officer.agent.post(`/officer/cases/${RECEIPT}/events`, {
      type: 'interview_scheduled',
      appointment_date: '12/15/2026',
      appointment_time: '9:30 AM',
      location_name: 'Chicago Field Office, 101 W Congress Pkwy',
    });
    expect(res.headers.location).toBe(`/officer/cases/${RECEIPT}?done=event`);
    const event = await t.deps.database.db
      .selectFrom('case_events')
      .select(['payload'])
      .where('receipt_number', '=', RECEIPT)
      .where('type', '=', 'interview_scheduled')
      .executeTakeFirstOrThrow();
    expect(event.payload).toMatchObject({
      interviewAt: '2026-12-15T14:30:00.000Z', // 9:30 by the agency's clock (America/New_York)
      locationName: 'Chicago Field Office, 101 W Congress Pkwy',
    });
  });

  it('shows the evidence sent for the case and its secure messages, both sides', async () => {
    const id = await caseId();
    const now = t.clock.now();
    await t.deps.database.db
      .insertInto('case_submissions')
      .values({
        id: '0b9c6c0e-4d1f-4a57-9a57-3f0f0e1d2c01',
        case_id: id,
        account_id: officer.accountId,
        kind: 'evidence',
        rfe_sent_at: null,
        created_at: now,
      })
      .execute();
    await t.deps.database.db
      .insertInto('case_files')
      .values({
        id: '0b9c6c0e-4d1f-4a57-9a57-3f0f0e1d2c02',
        submission_id: '0b9c6c0e-4d1f-4a57-9a57-3f0f0e1d2c01',
        file_name: 'new-address-letter.pdf',
        content_type: 'application/pdf',
        byte_size: 1234,
        storage_key: null,
        state: 'accepted',
        reason: null,
        created_at: now,
        checked_at: now,
      })
      .execute();
    const { item } = await t.services.serviceItems.createRouted({
      channel: 'secure_message',
      type: 'case_inquiry',
      contact: { name: 'Lina Holder', email: 'lina@example.com' },
      language: 'en',
      subject: 'My address changed',
      description: 'I moved to 5 Elm St.',
      caseId: id,
    });
    await t.services.serviceItems.reply(
      item.id,
      { accountId: officer.accountId, roles: ['tier1'] },
      'Thank you, we updated it.',
    );
    await officer.agent.get(`/officer/cases/${RECEIPT}`);
    const main = officer.agent.$('main').text();
    expect(main).toContain('new-address-letter.pdf (accepted)');
    expect(main).toContain(`Service item #${item.number}: My address changed`);
    expect(main).toContain('I moved to 5 Elm St.');
    expect(main).toContain('Thank you, we updated it.');
    await officer.agent.get(`/officer/cases/${RECEIPT}?lang=es`);
    expect(officer.agent.$('main').text()).toContain('Evidencia enviada');
  });
});
