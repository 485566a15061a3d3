import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUpApplicant, type Applicant } from '../../../test/accounts-support.js';
import { apiToken, createTestApp, type TestApp } from '../../../test/harness.js';
import { pdfText } from '../../../test/pdf-text.js';
import { noticeContent } from './content.js';

/** Issue 15 points 3 and 4: notices built from their own events, laid out as notices of action; appointments. */

let t: TestApp;
let token: string;
let holder: Applicant;
let oan: string;
beforeAll(async () => {
  t = await createTestApp();
  token = (await apiToken(t, ['case_events:write'])).token;
  holder = await signUpApplicant(t, 'nora.notices@example.com', '10.15.3.1');
  oan = (
    await t.deps.database.db
      .selectFrom('accounts')
      .select('online_account_number')
      .where('id', '=', holder.accountId)
      .executeTakeFirstOrThrow()
  ).online_account_number;
});
afterAll(async () => t?.close());

async function send(events: unknown[]) {
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/v1/case-events',
    headers: { authorization: `Bearer ${token}` },
    payload: events,
  });
  expect(res.statusCode, res.body).toBe(200);
  return res;
}

/** The text of the document rendered for a notice_issued event, line by line. */
async function noticeText(eventId: string): Promise<string[]> {
  return pdfText(await noticePdf(eventId));
}

async function noticePdf(eventId: string): Promise<Buffer> {
  const id = await t.services.notices.issueFromEvent(eventId);
  expect(id).toBeDefined();
  const row = await t.deps.database.db
    .selectFrom('case_documents')
    .select('storage_key')
    .where('id', '=', id!)
    .executeTakeFirstOrThrow();
  return (await t.deps.storage.get(row.storage_key))!;
}

/**
 * With CASEDESK_SCREENSHOTS=1 (and pdftoppm from Debian's poppler-utils), the RFE notice's first page is written to
 * docs/screenshots/notice-rfe.png for the README.
 */
function screenshot(pdf: Buffer): void {
  if (process.env.CASEDESK_SCREENSHOTS !== '1') return;
  const dir = mkdtempSync(join(tmpdir(), 'casedesk-notice-'));
  writeFileSync(join(dir, 'notice.pdf'), pdf);
  execFileSync('pdftoppm', [
    '-png',
    '-r',
    '60',
    '-f',
    '1',
    '-l',
    '1',
    '-singlefile',
    join(dir, 'notice.pdf'),
    join(dir, 'page'),
  ]);
  copyFileSync(join(dir, 'page.png'), 'docs/screenshots/notice-rfe.png');
  rmSync(dir, { recursive: true });
}

const APPLICANT = {
  givenName: 'Ana',
  familyName: 'Núñez García',
  aNumber: 'A012345678',
  dateOfBirth: '1986-04-28',
  mailingAddress: { street: '123 Main St', unit: 'Apt 4', city: 'Springfield', state: 'IL', zip: '62701' },
};

describe('notices built from their own events (issue 15 point 3)', () => {
  const RECEIPT = 'IOE0915000001';

  beforeAll(async () => {
    await send([
      {
        id: 'n15-received',
        receiptNumber: RECEIPT,
        type: 'case_received',
        occurredAt: '2026-10-01T14:00:00Z',
        payload: { formCode: 'I-765', channel: 'online', onlineAccountNumber: oan, applicant: APPLICANT },
      },
      {
        id: 'n15-transferred',
        receiptNumber: RECEIPT,
        type: 'transferred',
        occurredAt: '2026-11-10T14:00:00Z',
        payload: { officeCode: 'NBC' },
      },
      {
        id: 'n15-rfe',
        receiptNumber: RECEIPT,
        type: 'rfe_sent',
        occurredAt: '2026-11-20T14:00:00Z',
        payload: {
          responseDue: '2027-02-12',
          evidenceRequested: ['A copy of your birth certificate', 'Two passport-style photographs'],
        },
      },
      // The receipt notice of October 1 and the RFE notice of November 20 arrive after everything else happened.
      {
        id: 'n15-receipt-notice',
        receiptNumber: RECEIPT,
        type: 'notice_issued',
        occurredAt: '2026-10-01T15:00:00Z',
        payload: { noticeType: 'receipt_notice', priorityDate: '2026-09-30' },
      },
      {
        id: 'n15-rfe-notice',
        receiptNumber: RECEIPT,
        type: 'notice_issued',
        occurredAt: '2026-11-20T15:00:00Z',
        payload: { noticeType: 'rfe_notice' },
      },
      {
        id: 'n15-rfe-notice-es',
        receiptNumber: RECEIPT,
        type: 'notice_issued',
        occurredAt: '2026-11-20T15:30:00Z',
        payload: { noticeType: 'rfe_notice', language: 'es' },
      },
    ]);
  });

  it('a receipt notice issued on October 1 says what it said on October 1, laid out as a notice of action', async () => {
    const lines = await noticeText('n15-receipt-notice');
    const text = lines.join('\n');
    expect(lines).toContain('Notice of Action');
    expect(lines.slice(0, 20)).toEqual(
      expect.arrayContaining([
        'Notice type',
        'Receipt Notice',
        'Receipt number',
        RECEIPT,
        'Case type',
        'Form I-765, Application for Employment Authorization',
        'Received date',
        'October 1, 2026',
        'Priority date',
        'September 30, 2026',
        'Notice date',
        'Page',
      ]),
    );
    // Name and mailing address, in the order an envelope's window shows them; the A-Number beside them.
    const name = lines.indexOf('ANA NÚÑEZ GARCÍA');
    expect(name).toBeGreaterThan(0);
    expect(lines.slice(name, name + 3)).toEqual(['ANA NÚÑEZ GARCÍA', '123 Main St Apt 4', 'Springfield, IL 62701']);
    expect(lines[lines.indexOf('A-Number') + 1]).toBe('A012345678');
    expect(text).toContain('We received your application or petition');
    expect(lines).toContain('1 of 1');
    expect(lines).toContain('Page 1 of 1');
    // Nothing of what happened later: no RFE, no transfer, no deadline.
    expect(text).not.toMatch(/evidence|transferred|February 12, 2027|jurisdiction/i);
    // The e-Request line points at this service's page, not the agency's.
    expect(text).toMatch(/e-Request at http[^ ]*\/e-request\./);
    expect(text).not.toContain('uscis.gov');
  });

  it('an RFE notice lists the evidence requested and the deadline, not the transfer before it', async () => {
    const pdf = await noticePdf('n15-rfe-notice');
    screenshot(pdf);
    const lines = pdfText(pdf);
    const text = lines.join('\n');
    expect(lines).toContain('Request for Evidence');
    expect(lines).toContain('November 20, 2026'); // the notice date
    const heading = lines.indexOf('Evidence requested');
    expect(heading).toBeGreaterThan(0);
    expect(lines.slice(heading + 1, heading + 3)).toEqual([
      'A copy of your birth certificate',
      'Two passport-style photographs',
    ]);
    expect(text).toContain('We must receive your response by February 12, 2027.');
    expect(text).not.toMatch(/transferred|jurisdiction/i);
  });

  it('speaks Spanish when the event says so', async () => {
    const text = (await noticeText('n15-rfe-notice-es')).join('\n');
    expect(text).toContain('Aviso de Acción');
    expect(text).toContain('Solicitud de Evidencia');
    expect(text).toContain('Evidencia solicitada');
    expect(text).toContain('Debemos recibir su respuesta a más tardar el 12 de febrero de 2027.');
    expect(text).toContain('Página 1 de 1');
  });

  it('counts its pages: a long list of evidence goes on, "Page x of y" on every page', async () => {
    await send([
      {
        id: 'n15-rfe-long',
        receiptNumber: RECEIPT,
        type: 'notice_issued',
        occurredAt: '2026-11-21T15:00:00Z',
        payload: {
          noticeType: 'rfe_notice',
          responseDue: '2027-02-15',
          evidenceRequested: Array.from({ length: 45 }, (_, i) => `Item ${i + 1}: a certified copy of a record`),
        },
      },
    ]);
    const lines = await noticeText('n15-rfe-long');
    expect(lines).toContain('1 of 2');
    expect(lines).toContain('Page 1 of 2');
    expect(lines).toContain('Page 2 of 2');
    expect(lines).toContain('Item 45: a certified copy of a record');
    expect(lines.join('\n')).toContain('February 15, 2027'); // the notice's own deadline, not the rfe_sent one
  });

  it('an appointment notice gives the time and place of its own scheduling event', async () => {
    await send([
      {
        id: 'n15-bio',
        receiptNumber: RECEIPT,
        type: 'biometrics_scheduled',
        occurredAt: '2026-11-22T14:00:00Z',
        payload: { appointmentAt: '2026-12-10T14:30:00Z', locationName: 'Springfield ASC, 100 Elm St' },
      },
      {
        id: 'n15-bio-notice',
        receiptNumber: RECEIPT,
        type: 'notice_issued',
        occurredAt: '2026-11-22T15:00:00Z',
        payload: { noticeType: 'biometrics_notice' },
      },
    ]);
    const text = (await noticeText('n15-bio-notice')).join('\n');
    expect(text).toContain('Biometrics Appointment Notice');
    expect(text).toMatch(/December 10, 2026, 9:30\sAM/);
    expect(text).toContain('Springfield ASC, 100 Elm St');
  });

  it('rejects a malformed evidence list or mailing address, saying what each must be', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/case-events',
      headers: { authorization: `Bearer ${token}` },
      payload: [
        {
          id: 'n15-bad',
          receiptNumber: RECEIPT,
          type: 'notice_issued',
          occurredAt: '2026-11-22T15:00:00Z',
          payload: { noticeType: 'rfe_notice', evidenceRequested: 'birth certificate' },
        },
        {
          id: 'n15-bad-2',
          receiptNumber: RECEIPT,
          type: 'case_received',
          occurredAt: '2026-11-22T15:00:00Z',
          payload: { applicant: { mailingAddress: { street: '1 Main St' } } },
        },
      ],
    });
    expect(res.statusCode).toBe(422);
    const problems = res.json<{ errors: { field: string; message: string }[] }>().errors;
    expect(problems.map((p) => p.field)).toEqual([
      'payload.evidenceRequested',
      'payload.applicant.mailingAddress.city',
    ]);
    expect(problems[0]!.message).toContain('a list of the evidence requested');
  });
});

describe('receipt notices of paper cases (CASE-4)', () => {
  async function addPaperCase(receipt: string, formCode: string, code: string) {
    await send([
      {
        id: `${receipt}-received`,
        receiptNumber: receipt,
        type: 'case_received',
        occurredAt: '2026-10-05T15:00:00Z',
        payload: { formCode, channel: 'paper', applicant: { dateOfBirth: '1970-01-01' } },
      },
      {
        id: `${receipt}-code`,
        receiptNumber: receipt,
        type: 'account_acceptance_notice',
        occurredAt: '2026-10-06T15:00:00Z',
        payload: { onlineAccessCode: code },
      },
      {
        id: `${receipt}-receipt-notice`,
        receiptNumber: receipt,
        type: 'notice_issued',
        occurredAt: '2026-10-05T16:00:00Z',
        payload: { noticeType: 'receipt_notice' },
      },
      {
        id: `${receipt}-approval-notice`,
        receiptNumber: receipt,
        type: 'notice_issued',
        occurredAt: '2026-11-02T16:00:00Z',
        payload: { noticeType: 'approval_notice' },
      },
    ]);
    const receiptNotice = await t.services.notices.issueFromEvent(`${receipt}-receipt-notice`);
    await t.services.notices.issueFromEvent(`${receipt}-approval-notice`);
    await holder.agent.get('/account/cases/add');
    const res = await holder.agent.post('/account/cases/add/access-code', {
      code,
      dob_month: '1',
      dob_day: '1',
      dob_year: '1970',
    });
    expect(res.statusCode).toBe(303);
    return receiptNotice!;
  }

  it('a paper IOE case added with an Online Access Code shows no receipt notice; its other notices, yes', async () => {
    const receiptNotice = await addPaperCase('IOE0915000002', 'I-765', 'PAPER-0002-IOECA');
    await holder.agent.get('/account/cases/IOE0915000002/documents');
    const labels = holder.agent
      .$('main ul.usa-list a')
      .map((_, a) => holder.agent.$(a).text())
      .get();
    expect(labels).toEqual(['Approval Notice (PDF)']);
    expect((await holder.agent.get(`/account/cases/IOE0915000002/documents/${receiptNotice}`)).statusCode).toBe(404);
  });

  it('a paper I-90 shows its receipt notice', async () => {
    const receiptNotice = await addPaperCase('IOE0915000003', 'I-90', 'PAPER-0003-IOECB');
    await holder.agent.get('/account/cases/IOE0915000003/documents');
    const labels = holder.agent
      .$('main ul.usa-list a')
      .map((_, a) => holder.agent.$(a).text())
      .get();
    expect(labels.sort()).toEqual(['Approval Notice (PDF)', 'Receipt Notice (PDF)']);
    expect((await holder.agent.get(`/account/cases/IOE0915000003/documents/${receiptNotice}`)).statusCode).toBe(200);
  });
});

describe('appointments on the case card (issue 15 point 4)', () => {
  const RECEIPT = 'IOE0915000004';

  beforeAll(async () => {
    await send([
      {
        id: 'a15-received',
        receiptNumber: RECEIPT,
        type: 'case_received',
        occurredAt: '2026-10-01T14:00:00Z',
        payload: { formCode: 'I-485', channel: 'online', onlineAccountNumber: oan },
      },
      // Scheduled, then rescheduled: the later one counts.
      {
        id: 'a15-bio-1',
        receiptNumber: RECEIPT,
        type: 'biometrics_scheduled',
        occurredAt: '2026-11-01T14:00:00Z',
        payload: { appointmentAt: '2026-11-28T14:00:00Z', locationName: 'Old ASC' },
      },
      {
        id: 'a15-bio-2',
        receiptNumber: RECEIPT,
        type: 'biometrics_scheduled',
        occurredAt: '2026-11-05T14:00:00Z',
        payload: { appointmentAt: '2026-12-10T14:30:00Z', locationName: 'Springfield ASC, 100 Elm St' },
      },
      {
        id: 'a15-interview',
        receiptNumber: RECEIPT,
        type: 'interview_scheduled',
        occurredAt: '2026-11-20T14:00:00Z',
        payload: { interviewAt: '2027-01-14T15:00:00Z', locationName: 'Chicago Field Office' },
      },
    ]);
  });

  it('shows the biometrics and interview time and place, soonest first, in English and Spanish', async () => {
    await holder.agent.get(`/account/cases/${RECEIPT}?lang=en`);
    const items = holder.agent
      .$('.casedesk-appointments li')
      .map((_, li) => holder.agent.$(li).text().replace(/\s+/g, ' ').trim())
      .get();
    expect(holder.agent.$('.casedesk-appointments h2').text()).toBe('Your appointments');
    expect(items).toHaveLength(2);
    expect(items[0]).toMatch(
      /^Biometrics appointment December 10, 2026 at 9:30\sAM E[SD]T Place: Springfield ASC, 100 Elm St Your appointment notice, the rules and how to reschedule$/,
    );
    expect(items[1]).toMatch(/^Interview January 14, 2027 at 10:00\sAM E[SD]T Place: Chicago Field Office$/);
    expect(holder.agent.$('.casedesk-appointments time').first().attr('datetime')).toBe('2026-12-10T14:30:00.000Z');

    await holder.agent.get(`/account/cases/${RECEIPT}?lang=es`);
    expect(holder.agent.$('.casedesk-appointments h2').text()).toBe('Sus citas');
    const es = holder.agent
      .$('.casedesk-appointments li')
      .map((_, li) => holder.agent.$(li).text().replace(/\s+/g, ' ').trim())
      .get();
    expect(es[0]).toContain('Cita de datos biométricos 10 de diciembre de 2026 a las 9:30');
    expect(es[0]).toContain('Lugar: Springfield ASC, 100 Elm St');
    expect(es[1]).toContain('Entrevista 14 de enero de 2027');
    await holder.agent.get(`/account/cases/${RECEIPT}?lang=en`);
  });

  it('answers the next appointment for the account home; none once kept, none for another account', async () => {
    expect(await t.services.accountCases.upcomingAppointment(holder.accountId, RECEIPT)).toEqual({
      kind: 'biometrics',
      at: new Date('2026-12-10T14:30:00Z'),
      locationName: 'Springfield ASC, 100 Elm St',
    });
    const other = await signUpApplicant(t, 'otto.other@example.com', '10.15.3.2');
    expect(await t.services.accountCases.upcomingAppointment(other.accountId, RECEIPT)).toBeUndefined();
    await send([
      { id: 'a15-taken', receiptNumber: RECEIPT, type: 'fingerprints_taken', occurredAt: '2026-11-23T14:00:00Z' },
    ]);
    expect((await t.services.accountCases.upcomingAppointment(holder.accountId, RECEIPT))?.kind).toBe('interview');
    await holder.agent.get(`/account/cases/${RECEIPT}`);
    expect(holder.agent.$('.casedesk-appointments li')).toHaveLength(1);
  });

  it("status texts link to this service's e-Request page instead of the agency's address", async () => {
    await send([
      {
        id: 'a15-denied',
        receiptNumber: RECEIPT,
        type: 'denied',
        occurredAt: '2026-11-23T14:30:00Z',
      },
    ]);
    await holder.agent.get(`/account/cases/${RECEIPT}`);
    const description = holder.agent.$('main h2 + p');
    expect(description.find('a[href="/e-request"]').text()).toBe('our e-Request page');
    expect(description.text()).not.toContain('www.uscis.gov/e-request');
    expect(description.find('a[href="/account/address"]').text()).toBe('our change of address page');
    expect(description.text()).not.toContain('uscis.gov');
    await holder.agent.get(`/account/cases/${RECEIPT}?lang=es`);
    expect(holder.agent.$('main h2 + p a[href="/e-request"]').text()).toBe('nuestra página de e-Request');
    expect(holder.agent.$('main h2 + p a[href="/account/address"]').text()).toBe(
      'nuestra página de cambio de dirección',
    );
    await holder.agent.get(`/account/cases/${RECEIPT}?lang=en`);
    const page = await t.app.inject(`/case-status?receipt_number=${RECEIPT}`);
    expect(page.body).toContain('<a class="usa-link" href="/e-request">our e-Request page</a>');
    expect(page.body).toContain('<a class="usa-link" href="/account/address">our change of address page</a>');
    // The holder's email gives this service's absolute addresses; the agency-compatible API keeps the official text.
    const email = await t.deps.database.db
      .selectFrom('notification_messages')
      .select('body')
      .where('recipient', '=', holder.email)
      .where('template', '=', 'case_status_changed')
      .where('subject', 'like', '%Denied%')
      .executeTakeFirstOrThrow();
    expect(email.body).toContain(`${t.config.publicUrl}/e-request to request a copy`);
    expect(email.body).toContain(`${t.config.publicUrl}/account/address to give us`);
    expect(email.body).not.toContain('uscis.gov');
    const api = await t.app.inject({
      url: `/case-status/${RECEIPT}`,
      headers: { authorization: `Bearer ${(await apiToken(t, ['case_status:read'])).token}` },
    });
    expect(api.statusCode).toBe(200);
    expect(api.body).toContain('go to www.uscis.gov/e-request to request');
  });
});

describe('what a notice says, from its events (content.ts)', () => {
  const at = (iso: string) => new Date(iso);
  const ev = (id: string, type: string, occurredAt: string, payload: Record<string, unknown> = {}) => ({
    id,
    type,
    occurredAt: at(occurredAt),
    payload,
  });

  it('takes the RFE of the same moment (an officer sends both at once), never a later one', () => {
    const notice = ev('z-notice', 'notice_issued', '2026-11-20T15:00:00Z', { noticeType: 'rfe_notice' });
    const events = [
      ev('a-rfe', 'rfe_sent', '2026-11-01T15:00:00Z', { responseDue: '2027-01-01' }),
      ev('zz-rfe', 'rfe_sent', '2026-11-20T15:00:00Z', { responseDue: '2027-02-12', evidenceRequested: ['Photos'] }),
      ev('b-rfe', 'rfe_sent', '2026-12-01T15:00:00Z', { responseDue: '2027-03-01', evidenceRequested: ['Later'] }),
      notice,
    ];
    expect(noticeContent('rfe_notice', notice, events)).toMatchObject({
      noticeDate: at('2026-11-20T15:00:00Z'),
      responseDue: '2027-02-12',
      evidenceRequested: ['Photos'],
    });
  });

  it("reports the applicant of the latest event up to the notice, or else the case's latest", () => {
    const notice = ev('n', 'notice_issued', '2026-10-02T15:00:00Z', { noticeType: 'receipt_notice' });
    const before = ev('r', 'case_received', '2026-10-01T15:00:00Z', { applicant: { familyName: 'Before' } });
    const after = ev('u', 'status_updated', '2026-11-01T15:00:00Z', { applicant: { familyName: 'After' } });
    expect(noticeContent('receipt_notice', notice, [before, after, notice]).applicant.familyName).toBe('Before');
    expect(noticeContent('receipt_notice', notice, [after, notice]).applicant.familyName).toBe('After');
    expect(noticeContent('receipt_notice', notice, [notice])).toEqual({
      noticeDate: at('2026-10-02T15:00:00Z'),
      applicant: {},
    });
  });
});
