import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/harness.js';
import { createStaffMember, type StaffPerson } from '../../../test/staff-support.js';

let t: TestApp;
let officer: StaffPerson;
let tier1: StaffPerson;
beforeAll(async () => {
  t = await createTestApp();
  officer = await createStaffMember(t, { email: 'olga.officer@agency.example', name: 'Olga Officer', roles: ['officer'], ip: '10.11.0.1' });
  tier1 = await createStaffMember(t, { email: 'tim.tier1@agency.example', name: 'Tim Tier', roles: ['tier1'], ip: '10.11.0.2' });
});
afterAll(async () => t?.close());

const audit = async (action: string) => t.deps.database.db.selectFrom('audit_log').selectAll().where('action', '=', action).orderBy('id', 'desc').execute();
const caseRow = async (receipt: string) => t.deps.database.db.selectFrom('cases').selectAll().where('receipt_number', '=', receipt).executeTakeFirstOrThrow();

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
    expect((await audit('officer.case_viewed'))[0]).toMatchObject({ actor_id: officer.accountId, subject_id: 'EAC9999103403' });
    res = await officer.agent.post('/officer/cases/EAC9999103403/events', { type: 'rfe_sent' });
    expect(res.statusCode).toBe(400);
    expect(officer.agent.errorSummary()[0]).toContain('payload.responseDue');
    expect(officer.agent.$('#response_due').attr('aria-invalid')).toBe('true');
    res = await officer.agent.post('/officer/cases/EAC9999103403/events', { type: 'rfe_sent', response_due: '2027-02-01' });
    expect(res.headers.location).toBe('/officer/cases/EAC9999103403?done=event');
    expect((await caseRow('EAC9999103403')).status_key).toBe('request-for-additional-evidence-was-sent');
    await officer.agent.get('/officer/cases/EAC9999103403');
    res = await officer.agent.post('/officer/cases/EAC9999103403/events', { type: 'transferred', office_code: 'NBC' });
    expect((await caseRow('EAC9999103403')).office_code).toBe('NBC');
    expect((await audit('officer.transferred'))[0]).toMatchObject({ actor_id: officer.accountId, subject_id: 'EAC9999103403' });
    const events = await t.deps.database.db.selectFrom('case_events').select(['type', 'client_id']).where('receipt_number', '=', 'EAC9999103403').where('event_id', 'like', 'officer-%').execute();
    expect(events.map((e) => e.type).sort()).toEqual(['rfe_sent', 'transferred']);
    await officer.agent.get('/officer/cases/EAC9999103403');
    expect((await officer.agent.post('/officer/cases/EAC9999103403/events', { type: 'teleported' })).statusCode).toBe(400);
    expect((await officer.agent.get('/officer/find?receipt_number=EAC0000000001')).statusCode).toBe(404);
  });

  it('issues an account acceptance notice: a new code that adds the case, a PDF document, a letter in the mail batch', async () => {
    await officer.agent.get('/officer/cases/LIN9999106498');
    const res = await officer.agent.post('/officer/cases/LIN9999106498/acceptance-notice', { language: 'es' });
    expect(res.headers.location).toBe('/officer/cases/LIN9999106498?done=acceptance');
    const c = await caseRow('LIN9999106498');
    const docs = await t.deps.database.db.selectFrom('case_documents').selectAll().where('case_id', '=', c.id).execute();
    expect(docs).toHaveLength(1);
    expect(docs[0]!.language).toBe('es');
    expect(await t.deps.database.db.selectFrom('online_access_codes').select('code_hash').where('case_id', '=', c.id).execute()).toHaveLength(1);
    expect(await t.deps.database.db.selectFrom('mail_items').select('id').where('case_id', '=', c.id).execute()).toHaveLength(1);
    await officer.agent.get('/officer/cases/LIN9999106498');
    const link = officer.agent.$(`a[href^="/officer/cases/LIN9999106498/documents/"]`).attr('href');
    const pdf = await officer.agent.get(link!);
    expect(pdf.headers['content-type']).toBe('application/pdf');
  });

  it('issues a notice as a PDF from the official status text; the holder of an online case sees it in Documents', async () => {
    await officer.agent.get('/officer/cases/EAC9999103403');
    expect((await officer.agent.post('/officer/cases/EAC9999103403/notices', { kind: 'nonsense' })).statusCode).toBe(400);
    const res = await officer.agent.post('/officer/cases/EAC9999103403/notices', { kind: 'rfe_notice', notice_language: 'es' });
    expect(res.headers.location).toBe('/officer/cases/EAC9999103403?done=notice');
    const c = await caseRow('EAC9999103403');
    const docs = await t.deps.database.db.selectFrom('case_documents').select(['kind', 'language']).where('case_id', '=', c.id).execute();
    expect(docs).toEqual([{ kind: 'rfe_notice', language: 'es' }]);
    expect((await audit('officer.notice_issued'))[0]).toMatchObject({ actor_id: officer.accountId, subject_id: 'EAC9999103403' });
  });

  it('sets the Section 1367 protection with a reason: the case disappears for other roles and for Case Status Online', async () => {
    await officer.agent.get('/officer/cases/SRC9999102777');
    let res = await officer.agent.post('/officer/cases/SRC9999102777/protection', { section1367: 'yes', reason: '' });
    expect(res.statusCode).toBe(400);
    res = await officer.agent.post('/officer/cases/SRC9999102777/protection', { section1367: 'yes', reason: 'VAWA self-petition' });
    expect(res.statusCode).toBe(303);
    expect((await caseRow('SRC9999102777')).section_1367).toBe(true);
    expect((await audit('officer.protection_updated'))[0]).toMatchObject({ reason: 'VAWA self-petition' });
    await officer.agent.get('/officer/cases/SRC9999102777');
    expect(officer.agent.$('.usa-alert--warning').text()).toContain('Section 1367');
    expect(await t.services.officer.find({ accountId: tier1.accountId, roles: ['tier1', 'tier2', 'help_desk'] }, 'SRC9999102777')).toBeUndefined();
    expect(await t.services.officer.find({ accountId: tier1.accountId, roles: ['tier3'] }, 'SRC9999102777')).toBeDefined();
    expect((await t.app.inject('/case-status?receipt_number=SRC9999102777')).statusCode).toBe(404);
  });

  it('exists in Spanish', async () => {
    await officer.agent.get('/officer?lang=es');
    expect(officer.agent.$('h1').text()).toBe('Espacio del oficial');
    await officer.agent.get('/officer?lang=en');
  });
});
