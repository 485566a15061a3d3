import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onlineAccountNumber, signIn, signUpApplicant, type Applicant } from '../../../test/accounts-support.js';
import { TestAgent } from '../../../test/agent.js';
import {
  apiGet,
  apiToken,
  caseEvent,
  caseIdOf,
  createTestApp,
  postCaseEvents,
  type TestApp,
} from '../../../test/harness.js';
import { OAC_LOCK_MS, OAC_MAX_FAILURES } from './service.js';

let t: TestApp;
let token: string;
let ana: Applicant;
let ben: Applicant;
beforeAll(async () => {
  t = await createTestApp();
  token = (await apiToken(t, ['case_events:write', 'case_status:read'])).token;
  ana = await signUpApplicant(t, 'ana.cases@example.com', '10.33.0.1');
  ben = await signUpApplicant(t, 'ben.cases@example.com', '10.33.0.2');
});
afterAll(async () => t?.close());

const lastMessageTo = async (to: string, template: string) =>
  t.deps.database.db
    .selectFrom('notification_messages')
    .select('body')
    .where('recipient', '=', to)
    .where('template', '=', template)
    .orderBy('created_at', 'desc')
    .executeTakeFirst();

async function send(events: unknown[]) {
  const res = await postCaseEvents(t, events, token);
  expect(res.statusCode, res.body).toBe(200);
}

const at = (d: string) => `${d}T15:00:00Z`;

/** Submits the add-by-code form as a person would. */
async function addWithCode(agent: TestAgent, code: string, dob: [string, string, string]) {
  await agent.get('/account/cases/add');
  return agent.post('/account/cases/add/access-code', { code, dob_month: dob[0], dob_day: dob[1], dob_year: dob[2] });
}

/** Asks for a new Online Access Code from the page the agent is on (it posts that page's form). */
function postNewCode(agent: TestAgent, code: string, dob: [string, string, string]) {
  return agent.post('/account/cases/add/new-code', { code, dob_month: dob[0], dob_day: dob[1], dob_year: dob[2] });
}

describe("the account's cases (issue 4 items 3-5)", () => {
  it('an online filing appears by itself, with its card: status and history tabs', async () => {
    await send([
      caseEvent('online-1', 'IOE0911111111', 'case_received', at('2026-09-01'), {
        formCode: 'I-765',
        channel: 'online',
        onlineAccountNumber: await onlineAccountNumber(t, ana.accountId),
      }),
      caseEvent('online-2', 'IOE0911111111', 'biometrics_scheduled', at('2026-09-20')),
    ]);
    await ana.agent.get('/account/cases');
    expect(ana.agent.$('a[href="/account/cases/IOE0911111111"]')).toHaveLength(1);
    await ana.agent.get('/account/cases/IOE0911111111');
    expect(ana.agent.$('h2').first().text()).toBe('Fingerprint and Biometrics Appointment Was Scheduled');
    expect(ana.agent.$('main').text()).toContain('Online');
    expect(
      ana.agent.$('nav a[aria-current="page"]').filter((_, a) => ana.agent.$(a).text() === 'Case status'),
    ).toHaveLength(1);
    await ana.agent.get('/account/cases/IOE0911111111/history');
    expect(ana.agent.$('.casedesk-history li')).toHaveLength(2);
    // Ben does not see Ana's case, under any address of it.
    expect((await ben.agent.get('/account/cases/IOE0911111111')).statusCode).toBe(404);
    expect((await ben.agent.get('/account/cases/ioe-0911111111/history')).statusCode).toBe(404);
  });

  it('tells account holders about a status change, by email and text as they chose, in their language, once (CASE-8)', async () => {
    const db = t.deps.database.db;
    // Messages since the start of this test (the online filing itself was told when it arrived).
    const earlier = new Set((await db.selectFrom('notification_messages').select('id').execute()).map((m) => m.id));
    const messages = async (to: string) =>
      (
        await db
          .selectFrom('notification_messages')
          .select(['id', 'channel', 'subject', 'body', 'language'])
          .where('recipient', '=', to)
          .where('template', '=', 'case_status_changed')
          .execute()
      ).filter((m) => !earlier.has(m.id));
    await send([caseEvent('notify-1', 'IOE0911111111', 'approved', at('2026-11-10'))]);
    const mail = await messages(ana.email);
    expect(mail).toHaveLength(1);
    expect(mail[0]).toMatchObject({
      channel: 'email',
      subject: 'Case IOE0911111111: Case Was Approved',
      language: 'en',
    });
    expect(mail[0]!.body).toContain('/account/cases/IOE0911111111');
    // The same event again, or an older one: no status change, no message.
    await send([caseEvent('notify-1', 'IOE0911111111', 'approved', at('2026-11-10'))]);
    await send([caseEvent('notify-0', 'IOE0911111111', 'fingerprints_taken', at('2026-09-25'))]);
    expect(await messages(ana.email)).toHaveLength(1);
    // Spanish, by text to a verified phone only.
    await db
      .updateTable('accounts')
      .set({ language: 'es', notify_by_email: false, notify_by_text: true })
      .where('id', '=', ana.accountId)
      .execute();
    await db
      .insertInto('account_phones')
      .values({
        id: '00000000-0000-4000-8000-00000000aaaa',
        account_id: ana.accountId,
        e164: '+12025550111',
        label: null,
        verified_at: new Date(),
        created_at: new Date(),
      })
      .execute();
    await send([caseEvent('notify-2', 'IOE0911111111', 'card_mailed', at('2026-11-15'))]);
    expect(await messages(ana.email)).toHaveLength(1);
    const texts = await messages('+12025550111');
    expect(texts).toHaveLength(1);
    expect(texts[0]).toMatchObject({ channel: 'sms', language: 'es' });
    expect(texts[0]!.body).toContain('Caso IOE0911111111');
    await db
      .updateTable('accounts')
      .set({ language: 'en', notify_by_email: true, notify_by_text: false })
      .where('id', '=', ana.accountId)
      .execute();
  });

  it('shows an open Request for Evidence with its deadline on the card, until the response is received (CASE-10)', async () => {
    const oan = await onlineAccountNumber(t, ben.accountId);
    await send([
      caseEvent('rfe-a1', 'IOE0988888881', 'case_received', at('2026-08-01'), {
        formCode: 'I-485',
        channel: 'online',
        onlineAccountNumber: oan,
      }),
      caseEvent('rfe-a2', 'IOE0988888881', 'rfe_sent', at('2026-11-02'), { responseDue: '2027-01-30' }),
      caseEvent('rfe-b1', 'IOE0988888882', 'case_received', at('2026-05-01'), {
        formCode: 'I-765',
        channel: 'online',
        onlineAccountNumber: oan,
      }),
      caseEvent('rfe-b2', 'IOE0988888882', 'rfe_sent', at('2026-08-01'), { responseDue: '2026-10-30' }),
    ]);
    await ben.agent.get('/account/cases/IOE0988888881');
    expect(ben.agent.$('.usa-alert--warning').text()).toContain('Send your response by January 30, 2027');
    await ben.agent.get('/account/cases/IOE0988888882');
    expect(ben.agent.$('.usa-alert--error').text()).toContain(
      'The deadline to respond to our Request for Evidence was October 30, 2026',
    );
    await send([caseEvent('rfe-a3', 'IOE0988888881', 'rfe_response_received', at('2026-11-20'))]);
    await ben.agent.get('/account/cases/IOE0988888881');
    expect(ben.agent.$('.usa-alert--warning, .usa-alert--error')).toHaveLength(0);
    await ben.agent.get('/account/cases/IOE0988888881?lang=es');
    expect(ben.agent.$('main h2').first().text()).toBe('Se recibió la respuesta a la Solicitud de Evidencia de USCIS');
    await ben.agent.get('/account/cases?lang=en');
  });

  it("verifies identity with questions from the records of the account's cases, 3 wrong sets stop it for a day (ACC-8)", async () => {
    const vera = await signUpApplicant(t, 'vera.identity@example.com', '10.33.0.20');
    await vera.agent.get('/account/verify-identity');
    expect(vera.agent.$('.usa-alert--info').text()).toContain('cannot ask you questions online yet');
    await send([
      caseEvent('idv-1', 'IOE0999900001', 'case_received', at('2026-03-10'), {
        formCode: 'I-131',
        channel: 'online',
        onlineAccountNumber: await onlineAccountNumber(t, vera.accountId),
        applicant: { aNumber: 'A012345678', zip: '33101' },
      }),
    ]);
    await vera.agent.get('/account/verify-identity');
    expect(vera.agent.$('legend').text()).toBe('Which form did you file in March 2026?');
    const options = vera.agent
      .$('input[name=form]')
      .map((_, i) => vera.agent.$(i).val())
      .get();
    expect(options).toHaveLength(4);
    expect(options).toContain('I-131');
    let res = await vera.agent.post('/account/verify-identity', { form: 'I-131', a_number: '5678', zip: '33102' });
    expect(res.statusCode).toBe(400);
    expect(vera.agent.errorSummary()).toEqual(['The answers do not match our records. Check them and try again.']);
    expect(vera.agent.$('#error-summary a').attr('href')).toBe('#identity-form');
    expect(vera.agent.$('.usa-alert--warning').text()).toContain('You can try 2 more times today.');
    res = await vera.agent.post('/account/verify-identity', { form: 'I-131', a_number: '5678', zip: '33101' });
    expect(res.statusCode).toBe(200);
    expect(vera.agent.$('.usa-alert--success .usa-alert__heading').text()).toBe('Your identity is verified');
    const row = await t.deps.database.db
      .selectFrom('accounts')
      .select('identity_verified_at')
      .where('id', '=', vera.accountId)
      .executeTakeFirstOrThrow();
    expect(row.identity_verified_at).not.toBeNull();
    // Another person, three wrong sets: locked for a day.
    const wes = await signUpApplicant(t, 'wes.identity@example.com', '10.33.0.21');
    await send([
      caseEvent('idv-2', 'IOE0999900002', 'case_received', at('2026-04-10'), {
        formCode: 'I-765',
        channel: 'online',
        onlineAccountNumber: await onlineAccountNumber(t, wes.accountId),
        applicant: { aNumber: 'A987654321', zip: '10001' },
      }),
    ]);
    for (let i = 0; i < 3; i++) {
      await wes.agent.get('/account/verify-identity');
      await wes.agent.post('/account/verify-identity', { form: 'I-90', a_number: '0000', zip: '99999' });
    }
    expect(wes.agent.$('.usa-alert--error .usa-alert__heading').text()).toBe('Try again later');
    await wes.agent.get('/account/verify-identity');
    expect(wes.agent.$('form[action="/account/verify-identity"]')).toHaveLength(0);
  });

  it('requests a new Online Access Code for an expired one: a notice in the mail batch, or an email for I-134A (CASE-5)', async () => {
    const db = t.deps.database.db;
    await send([
      caseEvent('renew-1', 'IOE0977700001', 'case_received', at('2026-01-05'), {
        formCode: 'I-765',
        applicant: { dateOfBirth: '1985-07-04' },
      }),
      caseEvent('renew-2', 'IOE0977700001', 'account_acceptance_notice', at('2026-02-01'), {
        onlineAccessCode: 'RENEW-0001-AAAAA',
      }),
      caseEvent('renew-3', 'IOE0977700002', 'case_received', at('2026-01-05'), {
        formCode: 'I-134A',
        applicant: { dateOfBirth: '2001-02-03', email: 'Beneficiary@Example.com' },
      }),
      caseEvent('renew-4', 'IOE0977700002', 'account_acceptance_notice', at('2026-02-01'), {
        onlineAccessCode: 'RENEW-0002-BBBBB',
      }),
    ]);
    const caseId = await caseIdOf(t, 'IOE0977700001');
    await addWithCode(ben.agent, 'RENEW-0001-AAAAA', ['7', '4', '1985']);
    expect(ben.agent.$('form[action="/account/cases/add/new-code"] button').text()).toBe(
      'Request a new Online Access Code',
    );
    let res = await postNewCode(ben.agent, 'RENEW-0001-AAAAA', ['7', '4', '1985']);
    expect(res.statusCode).toBe(200);
    expect(ben.agent.$('.usa-alert--success').text()).toContain('Expect it by December 23, 2026');
    const docs = await db.selectFrom('case_documents').selectAll().where('case_id', '=', caseId).execute();
    expect(docs).toHaveLength(1);
    const pdf = await t.deps.storage.get(docs[0]!.storage_key);
    expect(pdf!.subarray(0, 5).toString()).toBe('%PDF-');
    expect(
      await db
        .selectFrom('mail_items')
        .select('id')
        .where('case_id', '=', caseId)
        .where('batch_id', 'is', null)
        .execute(),
    ).toHaveLength(1);
    // Asking again within 30 days: the same expectation, no second letter; a wrong date of birth gets nothing.
    await addWithCode(ben.agent, 'RENEW-0001-AAAAA', ['7', '4', '1985']);
    await postNewCode(ben.agent, 'RENEW-0001-AAAAA', ['7', '4', '1985']);
    expect(ben.agent.$('.usa-alert--success').text()).toContain('December 23, 2026');
    expect(await db.selectFrom('case_documents').select('id').where('case_id', '=', caseId).execute()).toHaveLength(1);
    await ben.agent.get('/account/cases/add');
    await postNewCode(ben.agent, 'RENEW-0001-AAAAA', ['7', '5', '1985']);
    expect(ben.agent.errorSummary()).toEqual(['The details do not match our records. Check them and try again.']);
    // The print shop's batch takes the letter once.
    const batch = await t.services.notices.closeBatch();
    expect(batch!.letters.map((l) => l.receiptNumber)).toContain('IOE0977700001');
    expect(await t.services.notices.closeBatch()).toBeUndefined();

    // I-134A: the new code goes by email to the address on record, and it adds the case.
    await addWithCode(ana.agent, 'RENEW-0002-BBBBB', ['2', '3', '2001']);
    await postNewCode(ana.agent, 'RENEW-0002-BBBBB', ['2', '3', '2001']);
    expect(ana.agent.$('.usa-alert--success').text()).toContain('We emailed a new code');
    const email = await lastMessageTo('beneficiary@example.com', 'online_access_code');
    const newCode = /[A-Z0-9]{5}-[A-Z0-9]{4}-[A-Z0-9]{5}/.exec(email!.body)![0];
    res = await addWithCode(ana.agent, newCode, ['2', '3', '2001']);
    expect(res.headers.location).toBe('/account/cases?added=IOE0977700002');
  });

  it('shows the notices of a case in its Documents tab, as PDF, to its holder only', async () => {
    await send([
      caseEvent('docs-1', 'IOE0977700003', 'case_received', at('2026-10-05'), {
        formCode: 'I-765',
        applicant: { dateOfBirth: '1970-01-01' },
      }),
      caseEvent('docs-2', 'IOE0977700003', 'account_acceptance_notice', at('2026-10-06'), {
        onlineAccessCode: 'DOCSS-0003-CCCCC',
      }),
    ]);
    const caseId = await caseIdOf(t, 'IOE0977700003');
    const documentId = await t.deps.database.db.transaction().execute((trx) =>
      t.services.notices.issueAccountAcceptance(trx, {
        caseId,
        receiptNumber: 'IOE0977700003',
        formCode: 'I-765',
        language: 'es',
        code: 'ABCDE2345FGHJK',
        expiresAt: new Date('2027-02-21T00:00:00Z'),
      }),
    );
    expect((await ana.agent.get('/account/cases/IOE0977700003/documents')).statusCode).toBe(404); // not Ana's case
    await addWithCode(ana.agent, 'DOCSS-0003-CCCCC', ['1', '1', '1970']);
    await ana.agent.get('/account/cases/IOE0977700003');
    expect(ana.agent.$('a[href="/account/cases/IOE0977700003/documents"]').text()).toBe('Documents');
    await ana.agent.get('/account/cases/IOE0977700003/documents');
    const link = ana.agent.$('main ul.usa-list a').attr('href');
    expect(link).toBe(`/account/cases/IOE0977700003/documents/${documentId}`);
    const pdf = await ana.agent.get(link!);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    expect((await ben.agent.get(link!)).statusCode).toBe(404);
  });

  it('adds an IOE paper case with its Online Access Code and date of birth, once (CASE-4, CASE-5)', async () => {
    await send([
      caseEvent('oac-1', 'IOE0922222222', 'case_received', at('2026-10-01'), {
        formCode: 'I-131',
        channel: 'paper',
        applicant: { dateOfBirth: '1986-04-28', familyName: 'López' },
      }),
      caseEvent('oac-2', 'IOE0922222222', 'account_acceptance_notice', at('2026-10-02'), {
        onlineAccessCode: 'ABCDE-1234-ABC12',
      }),
    ]);
    let res = await addWithCode(ana.agent, 'ABCDE-1234-ABC12', ['4', '29', '1986']);
    expect(res.statusCode).toBe(400);
    expect(ana.agent.errorSummary()).toEqual(['The details do not match our records. Check them and try again.']);
    res = await addWithCode(ana.agent, 'abcde 1234 abc12', ['4', '28', '1986']);
    expect(res.headers.location).toBe('/account/cases?added=IOE0922222222');
    await ana.agent.get('/account/cases/IOE0922222222');
    expect(ana.agent.$('main').text()).toContain('On paper');
    // Single use: Ben, with the same code and date, is told it was used; Ana is told it is hers already.
    res = await addWithCode(ben.agent, 'ABCDE1234ABC12', ['04', '28', '1986']);
    expect(ben.agent.errorSummary()).toEqual(['This Online Access Code was already used. Each code works once.']);
    expect((await ben.agent.get('/account/cases/IOE0922222222')).statusCode).toBe(404);
    await addWithCode(ana.agent, 'ABCDE1234ABC12', ['4', '28', '1986']);
    expect(ana.agent.errorSummary()).toEqual(['This case is already in your account.']);
    // Bad formats are answered without counting as attempts.
    await addWithCode(ana.agent, 'ABC', ['13', '40', '1986']);
    expect(ana.agent.errorSummary()[0]).toContain('14 letters and numbers');
  });

  it('an Online Access Code expires after 90 days, with the agency message and what to do', async () => {
    await send([
      caseEvent('old-1', 'IOE0933333333', 'case_received', at('2026-05-01'), {
        formCode: 'I-821',
        applicant: { dateOfBirth: '1990-01-15' },
      }),
      caseEvent('old-2', 'IOE0933333333', 'account_acceptance_notice', at('2026-08-01'), {
        onlineAccessCode: 'OLDCD-0000-XYZ99',
      }),
    ]);
    // Issued 2026-08-01; the fake clock is 2026-11-23: 114 days later.
    const res = await addWithCode(ben.agent, 'OLDCD-0000-XYZ99', ['1', '15', '1990']);
    expect(res.statusCode).toBe(400);
    expect(ben.agent.$('.usa-alert--warning .usa-alert__heading').text()).toBe('Your Online Access Code has expired');
    expect(ben.agent.$('.usa-alert--warning').text()).toContain('within 30 days');
  });

  it('adds a legacy paper case by receipt number when date of birth and family name match (CASE-6)', async () => {
    await send([
      caseEvent('lin-1', 'LIN0955555555', 'case_received', at('2026-06-01'), {
        formCode: 'I-130',
        applicant: { dateOfBirth: '1975-12-02', familyName: 'Núñez García' },
      }),
    ]);
    await ben.agent.get('/account/cases/add');
    let res = await ben.agent.post('/account/cases/add/receipt-number', {
      receipt_number: 'LIN-095-555-5555',
      family_name: 'Nunez',
      rdob_month: '12',
      rdob_day: '2',
      rdob_year: '1975',
    });
    expect(ben.agent.errorSummary()).toEqual(['The details do not match our records. Check them and try again.']);
    res = await ben.agent.post('/account/cases/add/receipt-number', {
      receipt_number: 'lin0955555555',
      family_name: ' núñez garcía ',
      rdob_month: '12',
      rdob_day: '2',
      rdob_year: '1975',
    });
    expect(res.headers.location).toBe('/account/cases?added=LIN0955555555');
    await ben.agent.get('/account/cases/LIN0955555555');
    expect(ben.agent.$('main').text()).toContain('Case Was Received');
    // Its notices stay on paper (CASE-6): no Documents tab, even if the agency issued one.
    const linId = await caseIdOf(t, 'LIN0955555555');
    await t.deps.database.db.transaction().execute((trx) =>
      t.services.notices.issueAccountAcceptance(trx, {
        caseId: linId,
        receiptNumber: 'LIN0955555555',
        formCode: 'I-130',
        language: 'en',
        code: 'LEGAC2345FGHJK',
        expiresAt: new Date('2027-02-21T00:00:00Z'),
      }),
    );
    await ben.agent.get('/account/cases/LIN0955555555');
    expect(ben.agent.$('a[href="/account/cases/LIN0955555555/documents"]')).toHaveLength(0);
    expect((await ben.agent.get('/account/cases/LIN0955555555/documents')).statusCode).toBe(404);
    // An IOE receipt number goes the Online Access Code way.
    await ben.agent.get('/account/cases/add');
    await ben.agent.post('/account/cases/add/receipt-number', {
      receipt_number: 'IOE0922222222',
      family_name: 'López',
      rdob_month: '4',
      rdob_day: '28',
      rdob_year: '1986',
    });
    expect(ben.agent.errorSummary()[0]).toContain('Online Access Code');
  });

  it("compares names without accents or case and dates as people type them; a mismatch is the whole form's, with the tries left (issue 15 item 6)", async () => {
    const nora = await signUpApplicant(t, 'nora.names@example.com', '10.33.0.30');
    await send([
      caseEvent('lin-n1', 'LIN0955555556', 'case_received', at('2026-06-01'), {
        formCode: 'I-130',
        applicant: { dateOfBirth: '1980-03-05', familyName: 'Núñez García' },
      }),
    ]);
    await nora.agent.get('/account/cases/add');
    const wrong = {
      receipt_number: 'LIN0955555556',
      family_name: 'Nunez',
      rdob_month: '3',
      rdob_day: '5',
      rdob_year: '1980',
    };
    expect((await nora.agent.post('/account/cases/add/receipt-number', wrong)).statusCode).toBe(400);
    expect(nora.agent.errorSummary()).toEqual(['The details do not match our records. Check them and try again.']);
    // Not pinned to the receipt number: the error links to the form, and no field is marked wrong.
    expect(nora.agent.$('#error-summary a').attr('href')).toBe('#receipt-heading');
    expect(nora.agent.$('.usa-form-group--error')).toHaveLength(0);
    expect(nora.agent.$('.usa-alert--warning').text()).toContain(`You can try ${OAC_MAX_FAILURES - 1} more times.`);
    // A name over the limit is refused with a message (the field does not cut it: no maxlength).
    expect(nora.agent.$('#family_name').attr('maxlength')).toBeUndefined();
    await nora.agent.post('/account/cases/add/receipt-number', { ...wrong, family_name: 'N'.repeat(101) });
    expect(nora.agent.errorSummary()).toEqual(['Enter a family name of 100 characters or fewer']);
    expect(nora.agent.$('#family_name').val()).toBe('N'.repeat(101));
    const res = await nora.agent.post('/account/cases/add/receipt-number', {
      ...wrong,
      family_name: 'nunez garcia',
      rdob_month: 'March',
    });
    expect(res.headers.location).toBe('/account/cases?added=LIN0955555556');
  });

  it('representative accounts cannot add legacy paper cases (CASE-7)', async () => {
    const result = await t.services.accountCases.addByReceiptNumber(
      { id: ana.accountId, kind: 'representative' },
      { receiptNumber: 'LIN0955555555', familyName: 'Núñez García', dateOfBirth: '1975-12-02' },
    );
    expect(result).toEqual({ ok: false, problem: 'representative_not_allowed' });
  });

  it('Section 1367 cases: the owner sees them; Case Status Online and its API answer as for an unknown case', async () => {
    await send([
      caseEvent('vawa-1', 'IOE0966666666', 'case_received', at('2026-07-01'), {
        formCode: 'I-485',
        channel: 'online',
        onlineAccountNumber: await onlineAccountNumber(t, ben.accountId),
      }),
      caseEvent('vawa-2', 'IOE0966666666', 'protection_updated', at('2026-07-02'), { section1367: true }),
    ]);
    expect((await ben.agent.get('/account/cases/IOE0966666666')).statusCode).toBe(200);
    expect((await ana.agent.get('/account/cases/IOE0966666666')).statusCode).toBe(404);
    const api = await apiGet(t, '/case-status/IOE0966666666', token);
    expect(api.statusCode).toBe(404);
    const page = await t.app.inject({ method: 'GET', url: '/case-status?receipt_number=IOE0966666666' });
    expect(page.statusCode).toBe(404);
    // An older event cannot lift the protection; a newer one can.
    await send([caseEvent('vawa-0', 'IOE0966666666', 'protection_updated', at('2026-07-01'), { section1367: false })]);
    expect((await apiGet(t, '/case-status/IOE0966666666', token)).statusCode).toBe(404);
  });

  it('the pages exist in Spanish', async () => {
    await ana.agent.get('/account/cases?lang=es');
    expect(ana.agent.$('h1').text()).toBe('Mis casos');
    await ana.agent.get('/account/cases/add');
    expect(ana.agent.$('h1').text()).toBe('Agregar un caso');
    await ana.agent.get('/account/cases/IOE0911111111?lang=en');
  });
  it(`locks adding cases for an hour after ${OAC_MAX_FAILURES} attempts that do not match (guessing codes is an attack)`, async () => {
    const eve = await signUpApplicant(t, 'eve.guesser@example.com', '10.33.0.9');
    for (let i = 0; i < OAC_MAX_FAILURES - 1; i++) {
      await addWithCode(eve.agent, `GUESS-${String(1000 + i)}-AAAAA`, ['1', '1', '1980']);
      expect(eve.agent.errorSummary()).toEqual(['The details do not match our records. Check them and try again.']);
    }
    await addWithCode(eve.agent, 'GUESS-9999-AAAAA', ['1', '1', '1980']);
    expect(eve.agent.$('.usa-alert--error .usa-alert__heading').text()).toBe('Adding cases is paused');
    // Even the right code and date wait now.
    await send([
      caseEvent('eve-1', 'IOE0944444444', 'case_received', at('2026-11-01'), {
        formCode: 'I-765',
        applicant: { dateOfBirth: '1980-01-01' },
      }),
      caseEvent('eve-2', 'IOE0944444444', 'account_acceptance_notice', at('2026-11-02'), {
        onlineAccessCode: 'EVEEE-1111-RIGHT',
      }),
    ]);
    await addWithCode(eve.agent, 'EVEEE-1111-RIGHT', ['1', '1', '1980']);
    expect(eve.agent.$('.usa-alert--error .usa-alert__heading').text()).toBe('Adding cases is paused');
    t.clock.advance(OAC_LOCK_MS + 1000);
    // An hour later (a new sign-in: the session idled out meanwhile), the right code and date work.
    const again = new TestAgent(t.app, '10.33.0.10');
    expect((await signIn(t, again, eve.email, eve.secret)).headers.location).toBe('/account');
    const res = await addWithCode(again, 'EVEEE-1111-RIGHT', ['1', '1', '1980']);
    expect(res.headers.location).toBe('/account/cases?added=IOE0944444444');
  });
});
