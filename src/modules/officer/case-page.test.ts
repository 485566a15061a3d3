import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUpApplicant } from '../../../test/accounts-support.js';
import { apiToken, createTestApp, type TestApp } from '../../../test/harness.js';
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

describe('evidence files for officers to read', () => {
  const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');
  /** A submission with one file of `state`, its bytes in the file storage; answers the file's id. */
  async function sendFile(receipt: string, n: number, state: 'accepted' | 'rejected', name = 'carta de empleo.pdf') {
    const db = t.deps.database.db;
    const { id: caseId } = await db
      .selectFrom('cases')
      .select('id')
      .where('receipt_number', '=', receipt)
      .executeTakeFirstOrThrow();
    const submission = `1b9c6c0e-4d1f-4a57-9a57-3f0f0e1d2d${String(n).padStart(2, '0')}`;
    const file = `1b9c6c0e-4d1f-4a57-9a57-3f0f0e1d2e${String(n).padStart(2, '0')}`;
    const key = `evidence/officer-test-${n}.pdf`;
    await t.deps.storage.put(key, PDF);
    const now = t.clock.now();
    await db
      .insertInto('case_submissions')
      .values({
        id: submission,
        case_id: caseId,
        account_id: officer.accountId,
        kind: 'evidence',
        rfe_sent_at: null,
        created_at: now,
      })
      .execute();
    await db
      .insertInto('case_files')
      .values({
        id: file,
        submission_id: submission,
        file_name: name,
        content_type: 'application/pdf',
        byte_size: PDF.length,
        storage_key: key,
        state,
        reason: state === 'rejected' ? 'The file is damaged' : null,
        created_at: now,
        checked_at: now,
      })
      .execute();
    return file;
  }
  const downloads = async () =>
    t.deps.database.db
      .selectFrom('audit_log')
      .select(['actor_id', 'subject_id', 'details'])
      .where('action', '=', 'officer.evidence_downloaded')
      .execute();

  it('an officer downloads an accepted file from the case page, audited; a refused one has no link', async () => {
    const accepted = await sendFile(RECEIPT, 1, 'accepted');
    const rejected = await sendFile(RECEIPT, 2, 'rejected', 'broken.pdf');
    await officer.agent.get(`/officer/cases/${RECEIPT}`);
    const link = officer.agent.$(`a[href="/officer/cases/${RECEIPT}/evidence/${accepted}"]`);
    expect(link.text()).toBe('carta de empleo.pdf');
    expect(officer.agent.$(`a[href$="/evidence/${rejected}"]`)).toHaveLength(0);
    expect(officer.agent.$('main').text()).toContain('broken.pdf (');

    const res = await officer.agent.get(`/officer/cases/${RECEIPT}/evidence/${accepted}`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="carta_de_empleo.pdf"/);
    expect(res.headers['cache-control']).toContain('no-store');
    expect(res.rawPayload.equals(PDF)).toBe(true);
    expect(await downloads()).toEqual([
      { actor_id: officer.accountId, subject_id: RECEIPT, details: { fileId: accepted } },
    ]);

    expect((await officer.agent.get(`/officer/cases/${RECEIPT}/evidence/${rejected}`)).statusCode).toBe(404);
    // A file of one case is not found through another.
    expect((await officer.agent.get(`/officer/cases/EAC9999103403/evidence/${accepted}`)).statusCode).toBe(404);
    expect((await officer.agent.get(`/officer/cases/${RECEIPT}/evidence/not-an-id`)).statusCode).toBe(404);
    expect(await downloads()).toHaveLength(1);
  });

  it('is refused to staff without the officer role and to applicants', async () => {
    const accepted = await sendFile(RECEIPT, 3, 'accepted');
    const url = `/officer/cases/${RECEIPT}/evidence/${accepted}`;
    const agent1 = await createStaffMember(t, {
      email: 'tina.tier1@agency.example',
      name: 'Tina Tier',
      roles: ['tier1'],
      ip: '10.15.2.2',
    });
    expect((await agent1.agent.get(url)).statusCode).toBe(403);
    const applicant = await signUpApplicant(t, 'ana.evidence@example.com', '10.15.2.3');
    const res = await applicant.agent.get(url);
    expect([302, 303, 403]).toContain(res.statusCode);
    expect(res.body).not.toContain('%PDF');
    expect((await t.app.inject(url)).body).not.toContain('%PDF');
  });

  it('a Section 1367 case needs the protected cases role', async () => {
    const PROTECTED = 'IOE0915500001';
    const token = (await apiToken(t, ['case_events:write'])).token;
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/case-events',
      headers: { authorization: `Bearer ${token}` },
      payload: [
        {
          id: 'oe-1367-received',
          receiptNumber: PROTECTED,
          type: 'case_received',
          occurredAt: '2026-10-01T14:00:00Z',
          payload: { formCode: 'I-485' },
        },
        {
          id: 'oe-1367-protected',
          receiptNumber: PROTECTED,
          type: 'protection_updated',
          occurredAt: '2026-10-02T14:00:00Z',
          payload: { section1367: true },
        },
      ],
    });
    expect(res.statusCode, res.body).toBe(200);
    const file = await sendFile(PROTECTED, 4, 'accepted');
    const url = `/officer/cases/${PROTECTED}/evidence/${file}`;
    expect((await officer.agent.get(url)).statusCode).toBe(404);
    const protectedOfficer = await createStaffMember(t, {
      email: 'petra.protected@agency.example',
      name: 'Petra Protected',
      roles: ['officer', 'protected_cases'],
      ip: '10.15.2.4',
    });
    const ok = await protectedOfficer.agent.get(url);
    expect(ok.statusCode).toBe(200);
    expect(ok.rawPayload.equals(PDF)).toBe(true);
    expect((await downloads()).map((d) => d.actor_id)).toContain(protectedOfficer.accountId);
  });
});
