import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onlineAccountNumber, signUpApplicant, type Applicant } from '../../../test/accounts-support.js';
import { apiToken, caseEvent, createTestApp, postCaseEvents, type TestApp } from '../../../test/harness.js';
import { PNG_1PX, PROGRAM } from '../../../test/multipart.js';
import { createStaffMember, type StaffPerson } from '../../../test/staff-support.js';
import { renderCaseNotice } from '../notices/index.js';

let t: TestApp;
let officer: StaffPerson;
let tier1: StaffPerson;
beforeAll(async () => {
  t = await createTestApp();
  officer = await createStaffMember(t, {
    email: 'olga.officer@agency.example',
    name: 'Olga Officer',
    roles: ['officer'],
    ip: '10.11.0.1',
  });
  tier1 = await createStaffMember(t, {
    email: 'tim.tier1@agency.example',
    name: 'Tim Tier',
    roles: ['tier1'],
    ip: '10.11.0.2',
  });
});
afterAll(async () => t?.close());

const audit = async (action: string) =>
  t.deps.database.db.selectFrom('audit_log').selectAll().where('action', '=', action).orderBy('id', 'desc').execute();
const caseRow = async (receipt: string) =>
  t.deps.database.db.selectFrom('cases').selectAll().where('receipt_number', '=', receipt).executeTakeFirstOrThrow();

describe('the officer workspace (issue 4 item 2)', () => {
  it('is for officers only', async () => {
    expect((await tier1.agent.get('/officer')).statusCode).toBe(403);
    expect((await officer.agent.get('/officer')).statusCode).toBe(200);
    expect(officer.agent.$('a[href="/officer"]').length).toBeGreaterThan(0);
  });

  it('finds a case, shows it (audited), and records lifecycle actions as case events', async () => {
    let res = await officer.agent.get('/officer/find?receipt_number=eac-999-910-3403');
    expect(res.headers.location).toBe('/officer/cases/EAC9999103403');
    await officer.agent.get('/officer/cases/EAC9999103403');
    expect(officer.agent.$('h1').text()).toBe('EAC9999103403');
    expect((await audit('officer.case_viewed'))[0]).toMatchObject({
      actor_id: officer.accountId,
      subject_id: 'EAC9999103403',
    });
    res = await officer.agent.post('/officer/cases/EAC9999103403/events', { type: 'rfe_sent' });
    expect(res.statusCode).toBe(400);
    expect(officer.agent.errorSummary()[0]).toContain('payload.responseDue');
    expect(officer.agent.$('#response_due').attr('aria-invalid')).toBe('true');
    res = await officer.agent.post('/officer/cases/EAC9999103403/events', {
      type: 'rfe_sent',
      response_due: '2027-02-01',
    });
    expect(res.headers.location).toBe('/officer/cases/EAC9999103403?done=event');
    expect((await caseRow('EAC9999103403')).status_key).toBe('request-for-additional-evidence-was-sent');
    await officer.agent.get('/officer/cases/EAC9999103403');
    res = await officer.agent.post('/officer/cases/EAC9999103403/events', { type: 'transferred', office_code: 'NBC' });
    expect((await caseRow('EAC9999103403')).office_code).toBe('NBC');
    expect((await audit('officer.transferred'))[0]).toMatchObject({
      actor_id: officer.accountId,
      subject_id: 'EAC9999103403',
    });
    const events = await t.deps.database.db
      .selectFrom('case_events')
      .select(['type', 'client_id'])
      .where('receipt_number', '=', 'EAC9999103403')
      .where('event_id', 'like', 'officer-%')
      .execute();
    expect(events.map((e) => e.type).sort()).toEqual(['rfe_sent', 'transferred']);
    await officer.agent.get('/officer/cases/EAC9999103403');
    expect((await officer.agent.post('/officer/cases/EAC9999103403/events', { type: 'teleported' })).statusCode).toBe(
      400,
    );
    expect((await officer.agent.get('/officer/find?receipt_number=EAC0000000001')).statusCode).toBe(404);
  });

  it('issues an account acceptance notice: a new code that adds the case, a PDF document, a letter in the mail batch', async () => {
    await officer.agent.get('/officer/cases/LIN9999106498');
    const res = await officer.agent.post('/officer/cases/LIN9999106498/acceptance-notice', { language: 'es' });
    expect(res.headers.location).toBe('/officer/cases/LIN9999106498?done=acceptance');
    const c = await caseRow('LIN9999106498');
    const docs = await t.deps.database.db
      .selectFrom('case_documents')
      .selectAll()
      .where('case_id', '=', c.id)
      .execute();
    expect(docs).toHaveLength(1);
    expect(docs[0]!.language).toBe('es');
    expect(
      await t.deps.database.db
        .selectFrom('online_access_codes')
        .select('code_hash')
        .where('case_id', '=', c.id)
        .execute(),
    ).toHaveLength(1);
    expect(
      await t.deps.database.db.selectFrom('mail_items').select('id').where('case_id', '=', c.id).execute(),
    ).toHaveLength(1);
    await officer.agent.get('/officer/cases/LIN9999106498');
    const link = officer.agent.$(`a[href^="/officer/cases/LIN9999106498/documents/"]`).attr('href');
    const pdf = await officer.agent.get(link!);
    expect(pdf.headers['content-type']).toBe('application/pdf');
  });

  it('issues a notice as a PDF from the official status text; the holder of an online case sees it in Documents', async () => {
    await officer.agent.get('/officer/cases/EAC9999103403');
    expect((await officer.agent.post('/officer/cases/EAC9999103403/notices', { kind: 'nonsense' })).statusCode).toBe(
      400,
    );
    const res = await officer.agent.post('/officer/cases/EAC9999103403/notices', {
      kind: 'rfe_notice',
      notice_language: 'es',
    });
    expect(res.headers.location).toBe('/officer/cases/EAC9999103403?done=notice');
    const c = await caseRow('EAC9999103403');
    const docs = await t.deps.database.db
      .selectFrom('case_documents')
      .select(['kind', 'language'])
      .where('case_id', '=', c.id)
      .execute();
    expect(docs).toEqual([{ kind: 'rfe_notice', language: 'es' }]);
    expect((await audit('officer.notice_issued'))[0]).toMatchObject({
      actor_id: officer.accountId,
      subject_id: 'EAC9999103403',
    });
  });

  it('sets the Section 1367 protection with a reason: the case disappears for other roles and for Case Status Online', async () => {
    await officer.agent.get('/officer/cases/SRC9999102777');
    let res = await officer.agent.post('/officer/cases/SRC9999102777/protection', { section1367: 'yes', reason: '' });
    expect(res.statusCode).toBe(400);
    res = await officer.agent.post('/officer/cases/SRC9999102777/protection', {
      section1367: 'yes',
      reason: 'VAWA self-petition',
    });
    expect(res.statusCode).toBe(303);
    expect((await caseRow('SRC9999102777')).section_1367).toBe(true);
    expect((await audit('officer.protection_updated'))[0]).toMatchObject({ reason: 'VAWA self-petition' });
    // Only officers with the protected cases designation (and Tier 3) see it now: this officer has none (CC-6).
    expect((await officer.agent.get('/officer/cases/SRC9999102777')).statusCode).toBe(404);
    expect(
      await t.services.officer.find(
        { accountId: tier1.accountId, roles: ['tier1', 'tier2', 'help_desk'] },
        'SRC9999102777',
      ),
    ).toBeUndefined();
    expect(
      await t.services.officer.find({ accountId: officer.accountId, roles: ['officer'] }, 'SRC9999102777'),
    ).toBeUndefined();
    expect(
      await t.services.officer.find({ accountId: tier1.accountId, roles: ['tier3'] }, 'SRC9999102777'),
    ).toBeDefined();
    expect(
      (
        await t.services.officer.find(
          { accountId: officer.accountId, roles: ['officer', 'protected_cases'] },
          'SRC9999102777',
        )
      )?.section1367,
    ).toBe(true);
    expect((await t.app.inject('/case-status?receipt_number=SRC9999102777')).statusCode).toBe(404);
  });

  it('exists in Spanish', async () => {
    await officer.agent.get('/officer?lang=es');
    expect(officer.agent.$('h1').text()).toBe('Espacio del oficial');
    await officer.agent.get('/officer?lang=en');
  });
});

describe('documents of a case: notices from agency systems and agency documents (issue 4 item 2)', () => {
  const RECEIPT = 'IOE0988800001';
  let holder: Applicant;
  let token: string;
  const events = (payload: unknown[]) => postCaseEvents(t, payload, token);
  const documents = async () => {
    const c = await caseRow(RECEIPT);
    return t.deps.database.db
      .selectFrom('case_documents')
      .selectAll()
      .where('case_id', '=', c.id)
      .orderBy('created_at')
      .execute();
  };

  beforeAll(async () => {
    token = (await apiToken(t, ['case_events:write'])).token;
    holder = await signUpApplicant(t, 'dora.docs@example.com', '10.11.0.9');
    const oan = await onlineAccountNumber(t, holder.accountId);
    const res = await events([
      caseEvent('docs-1', RECEIPT, 'case_received', '2026-10-01T15:00:00Z', {
        formCode: 'I-765',
        channel: 'online',
        onlineAccountNumber: oan,
      }),
    ]);
    expect(res.statusCode).toBe(200);
  });

  it('renders a notice named by a notice_issued event as a PDF of the case, by a job, exactly once', async () => {
    const jobs = async () =>
      Object.values(await t.deps.jobs.countByState('notices-render-event')).reduce((a, b) => a + b, 0);
    const before = await jobs();
    let res = await events([
      caseEvent('docs-notice-1', RECEIPT, 'notice_issued', '2026-11-02T15:00:00Z', {
        noticeType: 'approval_notice',
        language: 'es',
      }),
      caseEvent('docs-notice-2', RECEIPT, 'notice_issued', '2026-11-02T16:00:00Z', {
        noticeType: 'I-797C printed locally',
      }),
    ]);
    expect(res.statusCode).toBe(200);
    expect(await jobs()).toBe(before + 1); // only the notice kind we render
    // The job (run here by hand, twice, as a retry would) stores one document tied to its event.
    const first = await t.services.notices.issueFromEvent('docs-notice-1');
    expect(await t.services.notices.issueFromEvent('docs-notice-1')).toBe(first);
    expect(await t.services.notices.issueFromEvent('docs-notice-2')).toBeUndefined();
    expect(await t.services.notices.issueFromEvent('no-such-event')).toBeUndefined();
    const docs = await documents();
    expect(docs.map((d) => [d.kind, d.language, d.event_id])).toEqual([['approval_notice', 'es', 'docs-notice-1']]);
    // The same event again changes nothing and enqueues nothing.
    res = await events([
      caseEvent('docs-notice-1', RECEIPT, 'notice_issued', '2026-11-02T15:00:00Z', {
        noticeType: 'approval_notice',
        language: 'es',
      }),
    ]);
    expect(res.json()).toMatchObject({ accepted: 0, duplicates: 1 });
    expect(await jobs()).toBe(before + 1);
    // The holder reads it in the Documents tab.
    await holder.agent.get(`/account/cases/${RECEIPT}/documents`);
    const link = holder.agent.$(`a[href="/account/cases/${RECEIPT}/documents/${first}"]`);
    expect(link.text()).toBe('Approval Notice (PDF)');
    const pdf = await holder.agent.get(`/account/cases/${RECEIPT}/documents/${first}`);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
  });

  it('attaches agency documents checked from their content; shared ones reach the holder, internal ones never do', async () => {
    const pdf = await renderCaseNotice({
      agency: 'Agency',
      title: 'Interview record',
      issuedOn: 'today',
      facts: [],
      paragraphs: ['Notes.'],
      createdAt: new Date('2026-11-01T00:00:00Z'),
    });
    const base = `/officer/cases/${RECEIPT}`;
    const attach = async (fields: Record<string, string>, file?: { name: string; data: Buffer; type?: string }) => {
      await officer.agent.get(base);
      return officer.agent.postFiles(`${base}/documents`, fields, file ? [file] : [], 'document_file');
    };
    let res = await attach({ document_title: '', shared: 'yes' }, { name: 'record.pdf', data: pdf });
    expect(res.statusCode).toBe(400);
    expect(officer.agent.$('#document_title').attr('aria-invalid')).toBe('true');
    res = await attach({ document_title: 'Scan' }, { name: 'scan.pdf', data: PROGRAM });
    expect(res.statusCode).toBe(400);
    expect(officer.agent.errorSummary()[0]).toContain('PDF, JPEG, PNG or TIFF');
    res = await attach({ document_title: 'Scan' });
    expect(res.statusCode).toBe(400);
    expect(officer.agent.errorSummary()[0]).toContain('Choose a file');
    res = await attach({ document_title: 'Scan' }, { name: 'cut.pdf', data: pdf.subarray(0, pdf.length >> 1) });
    expect(officer.agent.errorSummary()[0]).toContain('incomplete');
    // Active content (issue 13 point 12): a PDF that runs JavaScript when opened.
    const { PDFDocument, PDFName, PDFString } = await import('pdf-lib');
    const scripted = await PDFDocument.load(pdf);
    scripted.catalog.set(
      PDFName.of('OpenAction'),
      scripted.context.obj({ S: 'JavaScript', JS: PDFString.of('app.alert(1)') }),
    );
    res = await attach({ document_title: 'Scan' }, { name: 'scripted.pdf', data: Buffer.from(await scripted.save()) });
    expect(res.statusCode).toBe(400);
    expect(officer.agent.errorSummary()[0]).toContain('active content');
    // Without the CSRF token: refused.
    const noToken = await t.app.inject({
      method: 'POST',
      url: `${base}/documents`,
      headers: { cookie: officer.agent.cookieHeader, 'content-type': 'multipart/form-data; boundary=x' },
      payload: '--x--\r\n',
      remoteAddress: '10.11.0.1',
    });
    expect(noToken.statusCode).toBe(403);
    const countBefore = (await documents()).length;
    expect(countBefore).toBe(1);

    // A NUL in a multipart field is dropped, as in every other form (PostgreSQL refuses it in text).
    res = await attach(
      { document_title: 'Interview\u0000 record', document_language: 'en', shared: 'yes' },
      { name: '../../etc/interview   scan.png', data: PNG_1PX, type: 'image/png' },
    );
    expect(res.headers.location).toBe(`${base}?done=document`);
    res = await attach(
      { document_title: 'Officer notes', document_language: 'es', shared: 'no' },
      { name: 'notes.pdf', data: pdf },
    );
    expect(res.statusCode).toBe(303);
    const docs = (await documents())
      .filter((d) => d.kind === 'agency_document')
      .sort((a, b) => a.title!.localeCompare(b.title!));
    expect(docs.map((d) => [d.title, d.file_name, d.content_type, d.shared_with_holder, d.created_by])).toEqual([
      ['Interview record', 'interview_scan.png', 'image/png', true, officer.accountId],
      ['Officer notes', 'notes.pdf', 'application/pdf', false, officer.accountId],
    ]);
    expect((await audit('officer.document_attached')).map((a) => a.subject_id)).toEqual([RECEIPT, RECEIPT]);

    await officer.agent.get(base);
    expect(officer.agent.$('.usa-list li').text()).toContain('Officer notes (PDF)');
    expect(officer.agent.$('.usa-tag').text()).toContain('Internal');
    const image = await officer.agent.get(`${base}/documents/${docs[0]!.id}`);
    expect(image.headers['content-type']).toBe('image/png');
    expect(image.headers['x-content-type-options']).toBe('nosniff');

    await holder.agent.get(`/account/cases/${RECEIPT}/documents`);
    const listed = holder.agent.$('main .usa-list li').text();
    expect(listed).toContain('Interview record (PNG)');
    expect(listed).not.toContain('Officer notes');
    expect((await holder.agent.get(`/account/cases/${RECEIPT}/documents/${docs[1]!.id}`)).statusCode).toBe(404);
    expect((await holder.agent.get(`/account/cases/${RECEIPT}/documents/${docs[0]!.id}`)).headers['content-type']).toBe(
      'image/png',
    );
  });

  it('lets only officers attach documents', async () => {
    await tier1.agent.get('/staff');
    const res = await tier1.agent.postFiles(
      `/officer/cases/${RECEIPT}/documents`,
      { document_title: 'x' },
      [{ name: 'a.png', data: PNG_1PX, type: 'image/png' }],
      'document_file',
    );
    expect(res.statusCode).toBe(403);
  });
});
