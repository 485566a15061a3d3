import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lastMessage } from '../../../test/accounts-support.js';
import { TestAgent } from '../../../test/agent.js';
import { caseEvent, caseIdOf, createTestApp, postCaseEvents, type TestApp } from '../../../test/harness.js';
import { createStaffMember, type StaffPerson } from '../../../test/staff-support.js';
import { parseDateParts, parseRequest, normalizeANumber, REQUEST_FORMS, type RequestForm } from './schema.js';

/** e-Request (issue 5 item 4): every form end to end, CC-10 (from processing times), no oracle on the date of birth, the status page. */

let t: TestApp;
let admin: StaffPerson;
let agentOne: StaffPerson;

// Cases the tests ask about (case events set form, office, received date and the applicant's date of birth).
const VSC_CASE = 'EAC2390000001'; // I-130 at the Vermont Service Center, received 2025-01-10, born 1986-04-28
const MIA_CASE = 'IOE2390000002'; // N-400 at the Miami Field Office, received 2026-02-05, born 1990-07-14
const NEW_CASE = 'IOE2390000003'; // I-765 at ELIS, received 2026-10-01, no applicant details on file
const PROTECTED_CASE = 'IOE2390000004'; // Section 1367, no applicant details on file
const PROTECTED_DOB_CASE = 'IOE2390000005'; // Section 1367, born 1979-03-09

beforeAll(async () => {
  t = await createTestApp();
  admin = await createStaffMember(t, {
    email: 'erq.admin@agency.example',
    name: 'Ada Admin',
    roles: ['administrator'],
    ip: '10.31.0.1',
  });
  agentOne = await createStaffMember(t, {
    email: 'erq.tier1@agency.example',
    name: 'Tom Tier',
    roles: ['tier1'],
    ip: '10.31.0.2',
  });
  const res = await postCaseEvents(t, [
    caseEvent('erq-1', VSC_CASE, 'case_received', '2025-01-10T15:00:00Z', {
      formCode: 'I-130',
      applicant: { dateOfBirth: '1986-04-28' },
    }),
    caseEvent('erq-2', MIA_CASE, 'case_received', '2026-02-05T15:00:00Z', {
      formCode: 'N-400',
      officeCode: 'FO-MIA',
      applicant: { dateOfBirth: '1990-07-14' },
    }),
    caseEvent('erq-3', NEW_CASE, 'case_received', '2026-10-01T15:00:00Z', { formCode: 'I-765' }),
    caseEvent('erq-4', PROTECTED_CASE, 'case_received', '2025-03-01T15:00:00Z', { formCode: 'I-765' }),
    caseEvent('erq-5', PROTECTED_CASE, 'protection_updated', '2025-03-02T15:00:00Z', { section1367: true }),
    caseEvent('erq-6', PROTECTED_DOB_CASE, 'case_received', '2025-03-01T15:00:00Z', {
      formCode: 'I-765',
      applicant: { dateOfBirth: '1979-03-09' },
    }),
    caseEvent('erq-7', PROTECTED_DOB_CASE, 'protection_updated', '2025-03-02T15:00:00Z', { section1367: true }),
  ]);
  expect(res.statusCode).toBe(200);
});
afterAll(async () => t?.close());

const db = () => t.deps.database.db;
const countItems = async () =>
  Number(
    (
      await db()
        .selectFrom('service_items')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );
const itemByNumber = (number: string) =>
  db().selectFrom('service_items').selectAll().where('number', '=', Number(number)).executeTakeFirstOrThrow();

let ipCounter = 0;
/** A visitor at an address of its own (the per-address limit on forms stays out of the way). */
const visitor = () => new TestAgent(t.app, `10.32.${Math.floor(ipCounter / 200)}.${ipCounter++ % 200}`);

const dob = (iso: string) => ({ dob_month: iso.slice(5, 7), dob_day: iso.slice(8, 10), dob_year: iso.slice(0, 4) });
const person = (email: string) => ({
  given_name: 'Ana',
  family_name: 'López',
  requester_role: 'applicant',
  email,
  phone: '(202) 555-0147',
});
const FILING = {
  form_number: 'I-130',
  form_sub_type: 'I130 - Spouse',
  filed_month: '1',
  filed_day: '10',
  filed_year: '2025',
  a_number: 'a 12-345-678',
};

async function send(agent: TestAgent, form: RequestForm, fields: Record<string, string | string[]>, lang?: 'es') {
  await agent.get(`/e-request/${form}${lang ? `?lang=${lang}` : ''}`);
  return agent.post(`/e-request/${form}`, fields);
}

/** Sends a valid request and follows to the confirmation page; answers its number and the item. */
async function sendOk(form: RequestForm, fields: Record<string, string | string[]>, lang?: 'es') {
  const agent = visitor();
  const res = await send(agent, form, fields, lang);
  expect(res.statusCode, agent.errorSummary().join(' | ')).toBe(303);
  expect(res.headers.location).toBe('/e-request/sent');
  const page = await agent.get('/e-request/sent');
  expect(page.statusCode).toBe(200);
  const number = agent.$('#service-item-number').text();
  expect(number).toMatch(/^\d+$/);
  return { agent, number, item: await itemByNumber(number), main: agent.$('main').text().replace(/\s+/g, ' ') };
}

describe('the start page', () => {
  it('lists every request with a sentence, links Case Status Online and says how Section 1367 matters are handled', async () => {
    const agent = visitor();
    expect((await agent.get('/e-request')).statusCode).toBe(200);
    expect(agent.$('h1').length).toBe(1);
    expect(
      agent
        .$('input[name=type]')
        .map((_, el) => agent.$(el).val())
        .get(),
    ).toEqual([...REQUEST_FORMS]);
    expect(agent.$('.usa-checkbox__label-description').length).toBe(REQUEST_FORMS.length);
    expect(agent.$('main a[href="/case-status"]').length).toBe(1);
    expect(agent.$('main').text()).toContain('only specially trained staff will see your request');
    expect(agent.$('a[href="/e-request/status"]').length).toBe(1);
    // The footer of every page links here.
    expect(agent.$('footer a[href="/e-request"]').length).toBe(1);
  });

  it('goes to the chosen form, and asks again when nothing is chosen', async () => {
    const agent = visitor();
    const res = await agent.get('/e-request?chosen=1&type=expedite-request');
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/e-request/expedite-request');
    expect((await agent.get('/e-request?chosen=1')).statusCode).toBe(400);
    expect(agent.errorSummary()).toEqual(['Choose the request you want to send']);
    expect(agent.$('#error-summary a').attr('href')).toBe('#type');
    expect((await agent.get('/e-request?chosen=1&type=../../etc')).statusCode).toBe(400);
  });

  it('is in Spanish', async () => {
    const agent = visitor();
    await agent.get('/e-request?lang=es');
    expect(agent.$('h1').text()).toBe('Enviar una solicitud electrónica (e-Request)');
    expect(agent.$('html').attr('lang')).toBe('es');
    expect(agent.$('main').text()).toContain('Estatus de Casos en Línea');
  });
});

describe('each request, end to end', () => {
  it('an expedite request about a case of the Vermont Service Center goes to that office, with its 30 days', async () => {
    const { item, number, main } = await sendOk('expedite-request', {
      receipt_number: 'eac-239-000-0001',
      ...dob('1986-04-28'),
      criterion: 'urgent_humanitarian',
      description: 'My father is seriously ill abroad and I need to travel.',
      ...person('ana.expedite@example.com'),
    });
    expect(item).toMatchObject({
      channel: 'e_request',
      type: 'expedite_request',
      queue: 'office:VSC',
      office_code: 'VSC',
      sla_policy: 'office_service_request',
      urgent: false,
      receipt_number: VSC_CASE,
      section_1367: false,
      contact_email: 'ana.expedite@example.com',
      contact_phone: '+12025550147',
      language: 'en',
    });
    expect(item.details).toMatchObject({
      form: 'expedite-request',
      criterion: 'urgent_humanitarian',
      description: 'My father is seriously ill abroad and I need to travel.',
      requester_role: 'applicant',
      date_of_birth: '1986-04-28',
    });
    expect(item.description).toContain('Urgent humanitarian reasons');
    // 30 calendar days from 2026-11-23 (CC-7); never a queue name on the page.
    expect(main).toContain('Your request is not urgent.');
    expect(main).toContain(
      'It goes to the office that has your case, which has 30 days to answer: by December 23, 2026.',
    );
    expect(main).not.toMatch(/Vermont|office:VSC|Tier/);
    const email = await lastMessage(t, 'ana.expedite@example.com', 'service_item_received');
    expect(email).toMatchObject({ language: 'en' });
    expect(email!.subject).toContain(number);
    expect(email!.body).toContain(number);
    expect(email!.body).toContain('Expedite request');
    expect(email!.body).toContain('/e-request/status');
  });

  it('an interview reschedule goes to the owning field office, an oath reschedule too, and says to plan to attend (CC-12)', async () => {
    const agent = visitor();
    await agent.get('/e-request/interview-oath-reschedule');
    expect(agent.$('.usa-alert--warning').text()).toContain(
      'Go to your appointment as scheduled unless the office tells you',
    );
    const interview = await sendOk('interview-oath-reschedule', {
      receipt_number: MIA_CASE,
      ...dob('1990-07-14'),
      reschedule_kind: 'interview',
      appointment_month: '12',
      appointment_day: '15',
      appointment_year: '2026',
      description: 'I have surgery scheduled that day.',
      ...person('ana.interview@example.com'),
    });
    expect(interview.item).toMatchObject({
      type: 'interview_reschedule',
      queue: 'office:FO-MIA',
      sla_policy: 'office_service_request',
    });
    expect(interview.item.details).toMatchObject({ reschedule_kind: 'interview', appointment_date: '2026-12-15' });
    expect(interview.main).toContain(
      'Go to your appointment as scheduled unless the office tells you that it has a new date.',
    );
    const oath = await sendOk('interview-oath-reschedule', {
      receipt_number: MIA_CASE,
      ...dob('1990-07-14'),
      reschedule_kind: 'oath',
      appointment_month: '11',
      appointment_day: '23',
      appointment_year: '2026',
      description: 'A death in the family.',
      ...person('ana.oath@example.com'),
    });
    expect(oath.item).toMatchObject({ type: 'oath_reschedule', queue: 'office:FO-MIA' });
  });

  it('a typo correction takes the CC-16 fields and goes to Tier 1, non-urgent, within 30 business days', async () => {
    const { item, main, number } = await sendOk('typo-correction', {
      receipt_number: VSC_CASE,
      ...dob('1986-04-28'),
      ...FILING,
      error_item: 'Approval notice: my family name',
      correct_value: 'López, not Lopes',
      ...person('ana.typo@example.com'),
    });
    expect(item).toMatchObject({ type: 'typo_correction', queue: 'tier1', sla_policy: 'non_urgent', priority: 2 });
    expect(item.details).toMatchObject({
      form_number: 'I-130',
      form_sub_type: 'I130 - Spouse',
      date_filed: '2025-01-10',
      a_number: 'A012345678',
      error_item: 'Approval notice: my family name',
      correct_value: 'López, not Lopes',
    });
    // 30 business days from Monday 2026-11-23, Thanksgiving (Nov 26) and Christmas (Dec 25) skipped.
    expect(main).toContain('We will answer by email or phone by January 7, 2027 (within 30 business days).');
    expect((await lastMessage(t, 'ana.typo@example.com', 'service_item_received'))!.body).toContain(number);
  });

  it('a notice or card not received takes what did not arrive and the mailing address', async () => {
    const { item } = await sendOk('mail-not-received', {
      receipt_number: VSC_CASE,
      ...dob('1986-04-28'),
      mail_kind: 'card',
      ...FILING,
      a_number: '',
      missing_item: 'Permanent Resident Card',
      street: '1 Main St',
      city: 'Austin',
      state: 'tx',
      zip: '787011234',
      ...person('ana.mail@example.com'),
    });
    expect(item).toMatchObject({ type: 'mail_not_received', queue: 'tier1' });
    expect(item.details).toMatchObject({
      mail_kind: 'card',
      missing_item: 'Permanent Resident Card',
      street: '1 Main St',
      city: 'Austin',
      state: 'TX',
      zip: '78701-1234',
    });
    expect(item.details).not.toHaveProperty('a_number');
  });

  it('an accommodation request may name no case', async () => {
    const { item } = await sendOk('accommodation-request', {
      accommodation: ['sign_language_interpreter', 'wheelchair_access'],
      appointment_kind: 'biometrics',
      ...person('ana.access@example.com'),
    });
    expect(item).toMatchObject({ type: 'accommodation_request', queue: 'tier1', case_id: null, receipt_number: null });
    expect(item.details).toMatchObject({
      accommodation: ['sign_language_interpreter', 'wheelchair_access'],
      appointment_kind: 'biometrics',
    });
  });

  it('the Section 1367 box sends any request to Tier 3 only (CC-6), even an expedite', async () => {
    const typo = await sendOk('typo-correction', {
      receipt_number: VSC_CASE,
      ...dob('1986-04-28'),
      ...FILING,
      error_item: 'Card: date of birth',
      correct_value: 'April 28, 1986',
      ...person('ana.vawa@example.com'),
      section_1367: '1',
    });
    expect(typo.item).toMatchObject({ queue: 'tier3', section_1367: true });
    const expedite = await sendOk('expedite-request', {
      receipt_number: VSC_CASE,
      ...dob('1986-04-28'),
      criterion: 'urgent_humanitarian',
      description: 'Safety reasons I can explain by phone.',
      ...person('ana.vawa2@example.com'),
      section_1367: '1',
    });
    expect(expedite.item).toMatchObject({ queue: 'tier3', section_1367: true });
    expect(expedite.main).not.toMatch(/Tier|1367 queue/);
  });

  it('a protected case is unknown to the public e-Request, with the right date of birth too (CC-6, issue 13 item 2)', async () => {
    const answers: string[][] = [];
    for (const [receipt, birth] of [
      [PROTECTED_CASE, '1980-01-01'],
      [PROTECTED_DOB_CASE, '1979-03-09'],
      ['IOE2399999998', '1979-03-09'],
    ] as const) {
      const agent = visitor();
      const before = await countItems();
      const res = await send(agent, 'expedite-request', {
        receipt_number: receipt,
        ...dob(birth),
        criterion: 'agency_error',
        description: 'You lost my file twice.',
        ...person('ana.protected@example.com'),
      });
      expect(res.statusCode).toBe(400);
      expect(await countItems()).toBe(before);
      expect(agent.$('main').text()).not.toMatch(/I-765|March 1, 2025/);
      answers.push(agent.errorSummary());
    }
    expect(answers[0]).toEqual([
      'We could not find a case with this receipt number and date of birth. Check both and try again, or call the Contact Center.',
    ]);
    expect(answers[1]).toEqual(answers[0]);
    expect(answers[2]).toEqual(answers[0]);
    // Outside normal processing time: the refusal that names the form and the received date never shows for it either.
    const agent = visitor();
    await send(agent, 'outside-processing-time', {
      receipt_number: PROTECTED_DOB_CASE,
      ...dob('1979-03-09'),
      ...person('ana.protected@example.com'),
    });
    expect(agent.errorSummary()).toEqual(answers[0]);
  });

  it('with the Section 1367 box, any receipt number is taken for Tier 3 and nothing about a case is shown', async () => {
    const known = await sendOk('expedite-request', {
      receipt_number: PROTECTED_DOB_CASE,
      ...dob('1979-03-09'),
      criterion: 'agency_error',
      description: 'You lost my file twice.',
      ...person('ana.protected@example.com'),
      section_1367: '1',
    });
    const unknown = await sendOk('expedite-request', {
      receipt_number: 'IOE2399999997',
      ...dob('1979-03-09'),
      criterion: 'agency_error',
      description: 'You lost my file twice.',
      ...person('ana.protected@example.com'),
      section_1367: '1',
    });
    const caseId = await caseIdOf(t, PROTECTED_DOB_CASE);
    expect(known.item).toMatchObject({ queue: 'tier3', section_1367: true, case_id: caseId });
    expect(unknown.item).toMatchObject({ queue: 'tier3', section_1367: true, case_id: null });
    for (const main of [known.main, unknown.main]) expect(main).not.toMatch(/I-765|March 1, 2025|Tier/);
  });

  it('in Spanish: the pages, the confirmation and the email', async () => {
    const agent = visitor();
    await agent.get('/e-request/expedite-request?lang=es');
    expect(agent.$('h1').text()).toBe('Solicitar que se acelere un caso');
    expect(agent.$('legend').text()).toContain('¿Qué criterio para acelerar trámites cumple su solicitud?');
    const { item, number, main } = await sendOk(
      'typo-correction',
      {
        receipt_number: VSC_CASE,
        ...dob('1986-04-28'),
        ...FILING,
        error_item: 'Tarjeta: apellido',
        correct_value: 'López',
        ...person('ana.es@example.com'),
      },
      'es',
    );
    expect(item.language).toBe('es');
    expect(main).toContain('Recibimos su solicitud');
    expect(main).toContain('Su solicitud no es urgente.');
    expect(main).toContain('a más tardar el 7 de enero de 2027');
    const email = await lastMessage(t, 'ana.es@example.com', 'service_item_received');
    expect(email).toMatchObject({ language: 'es' });
    expect(email!.body).toContain(number);
    expect(email!.body).toContain('Corrección de un error tipográfico');
  });

  it('the confirmation page needs the cookie of the browser that sent the request', async () => {
    const res = await visitor().get('/e-request/sent');
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/e-request/status');
    const forged = await t.app.inject({
      method: 'GET',
      url: '/e-request/sent',
      cookies: { e_request_sent: '30000001' },
    });
    expect(forged.statusCode).toBe(303);
  });
});

describe('CC-10: case inquiries only outside normal processing time', () => {
  it('refuses politely without an inquiry date for the form and office, with the received date; no item', async () => {
    const before = await countItems();
    const agent = visitor();
    const res = await send(agent, 'outside-processing-time', {
      receipt_number: NEW_CASE,
      ...dob('1970-01-01'),
      ...person('ana.inquiry@example.com'),
    });
    expect(res.statusCode).toBe(200);
    expect(agent.$('h1').text()).toBe('Inquiries about this case are not open yet');
    const text = agent.$('main').text().replace(/\s+/g, ' ');
    expect(text).toContain(
      'We are not yet taking inquiries about cases of Form I-765, Application for Employment Authorization at the Electronic Immigration System.',
    );
    expect(text).toContain(`Your case ${NEW_CASE} was received on October 1, 2026.`);
    expect(await countItems()).toBe(before);
  });

  it('refuses a case within normal processing time, saying from which receipt date people may ask; accepts an older case', async () => {
    const actor = { accountId: admin.accountId, roles: ['administrator'] as const };
    // I-765 at ELIS: an administrator's override (nothing is published for it).
    expect(
      await t.services.processingTimes.saveOverride(actor, {
        formCode: 'I-765',
        categoryCode: '',
        officeCode: 'ELIS',
        month: '6',
        day: '1',
        year: '2025',
        reason: 'Backlog at ELIS',
      }),
    ).toEqual({ ok: true });
    // I-130 at VSC: computed from the case history (cases decided in the six months before now), then approved.
    const history = [1, 2, 3].flatMap((n) => [
      caseEvent(`erq-h${n}a`, `EAC239000010${n}`, 'case_received', '2025-06-01T15:00:00Z', { formCode: 'I-130' }),
      caseEvent(`erq-h${n}b`, `EAC239000010${n}`, 'approved', `2026-09-0${n}T15:00:00Z`),
    ]);
    expect((await postCaseEvents(t, history)).statusCode).toBe(200);
    const { runId } = await t.services.processingTimes.recompute({ requestedBy: admin.accountId });
    expect(await t.services.processingTimes.approve(runId, actor)).toBe('ok');
    const published = (await t.services.processingTimes.current())!.figures.find(
      (f) => f.formCode === 'I-130' && f.categoryCode === 'usc-immediate' && f.officeCode === 'VSC',
    )!;
    expect(published.completedCount).toBeGreaterThanOrEqual(3);
    const inquiry = (await t.services.processingTimes.inquiryDate('I-130', null, 'VSC'))!;
    // Today (the fake clock: November 23, 2026 in New York) minus the published 80th percentile, in whole days.
    const expected = new Date(Date.UTC(2026, 10, 23) - Math.ceil(published.p80Days) * 86_400_000);
    expect(inquiry).toEqual({ date: expected.toISOString().slice(0, 10), source: 'published' });

    const before = await countItems();
    const agent = visitor();
    await send(agent, 'outside-processing-time', {
      receipt_number: NEW_CASE,
      ...dob('1970-01-01'),
      ...person('ana.inquiry@example.com'),
    });
    expect(agent.$('h1').text()).toBe('Your case is within normal processing time');
    const text = agent.$('main').text().replace(/\s+/g, ' ');
    expect(text).toContain(
      'Cases of Form I-765, Application for Employment Authorization at the Electronic Immigration System received before June 1, 2025 may be inquired about.',
    );
    expect(text).toContain('was received on October 1, 2026');
    expect(await countItems()).toBe(before);

    // Two I-130 cases at VSC: one received the day before the inquiry date (taken), one on it (refused).
    const dayBefore = new Date(expected.getTime() - 86_400_000).toISOString().slice(0, 10);
    const onIt = expected.toISOString().slice(0, 10);
    expect(
      (
        await postCaseEvents(t, [
          caseEvent('erq-c1', 'EAC2390000111', 'case_received', `${dayBefore}T15:00:00Z`, { formCode: 'I-130' }),
          caseEvent('erq-c2', 'EAC2390000112', 'case_received', `${onIt}T15:00:00Z`, { formCode: 'I-130' }),
        ])
      ).statusCode,
    ).toBe(200);
    const { item } = await sendOk('outside-processing-time', {
      receipt_number: 'EAC2390000111',
      ...dob('1986-04-28'),
      description: 'No news for a long time.',
      ...person('ana.inquiry@example.com'),
    });
    expect(item).toMatchObject({ type: 'outside_processing_time', queue: 'tier1', receipt_number: 'EAC2390000111' });
    // On the inquiry date itself: not before it, so within normal processing time.
    const again = visitor();
    await send(again, 'outside-processing-time', {
      receipt_number: 'EAC2390000112',
      ...dob('1986-04-28'),
      ...person('ana.inquiry@example.com'),
    });
    expect(again.$('h1').text()).toBe('Your case is within normal processing time');

    // An override for the form wins over the published date: now the case received on the old date is taken, the
    // one received the day before is refused.
    const [y, m, d] = onIt.split('-');
    await t.services.processingTimes.saveOverride(actor, {
      formCode: 'I-130',
      categoryCode: '',
      officeCode: 'VSC',
      month: m!,
      day: d!,
      year: y!,
      reason: 'Testing the override',
    });
    expect(await t.services.processingTimes.inquiryDate('I-130', null, 'VSC')).toEqual({
      date: onIt,
      source: 'override',
    });
    await t.services.processingTimes.saveOverride(actor, {
      formCode: 'I-130',
      categoryCode: 'usc-immediate',
      officeCode: 'VSC',
      month: '1',
      day: '1',
      year: '2020',
      reason: 'A category override wins over the whole form',
    });
    const third = visitor();
    await send(third, 'outside-processing-time', {
      receipt_number: 'EAC2390000112',
      ...dob('1986-04-28'),
      ...person('ana.inquiry@example.com'),
    });
    expect(third.$('h1').text()).toBe('Your case is within normal processing time');
    expect(third.$('main').text()).toContain('January 1, 2020');
    expect(await t.services.processingTimes.removeOverride(actor, 'I-130', 'usc-immediate', 'VSC')).toBe(true);
    expect(await t.services.processingTimes.removeOverride(actor, 'I-130', '', 'VSC')).toBe(true);
  });

  it('is in Spanish too', async () => {
    const agent = visitor();
    await send(
      agent,
      'outside-processing-time',
      { receipt_number: NEW_CASE, ...dob('1970-01-01'), ...person('ana.inquiry@example.com') },
      'es',
    );
    expect(agent.$('h1').text()).toBe('Su caso está dentro del tiempo normal de procesamiento');
    expect(agent.$('main').text()).toContain('se recibió el 1 de octubre de 2026');
  });
});

describe('no oracle on the case', () => {
  it('answers a wrong date of birth exactly like an unknown receipt number, and files nothing', async () => {
    const before = await countItems();
    const fields = {
      criterion: 'agency_error',
      description: 'Please look into it.',
      ...person('ana.oracle@example.com'),
    };
    const wrongDob = visitor();
    const a = await send(wrongDob, 'expedite-request', { receipt_number: VSC_CASE, ...dob('1986-04-29'), ...fields });
    const unknown = visitor();
    const b = await send(unknown, 'expedite-request', {
      receipt_number: 'EAC2399999999',
      ...dob('1986-04-28'),
      ...fields,
    });
    expect(a.statusCode).toBe(400);
    expect(b.statusCode).toBe(a.statusCode);
    expect(wrongDob.errorSummary()).toEqual(unknown.errorSummary());
    expect(wrongDob.errorSummary()).toEqual([
      'We could not find a case with this receipt number and date of birth. Check both and try again, or call the Contact Center.',
    ]);
    const strip = (agent: TestAgent) => agent.$('main').text().replace(/\s+/g, ' ');
    expect(strip(wrongDob).replace('1986', 'YEAR').replace(/29|28/, 'D')).toBe(
      strip(unknown).replace('1986', 'YEAR').replace(/29|28/, 'D'),
    );
    expect(await countItems()).toBe(before);
  });
});

describe('bad input', () => {
  it('says what is wrong with each field, in the order of the page, links each to its field, and files nothing', async () => {
    const before = await countItems();
    const agent = visitor();
    const res = await send(agent, 'typo-correction', {
      receipt_number: 'EAC12',
      dob_month: '13',
      dob_day: '1',
      dob_year: '1986',
      form_number: 'X-1',
      filed_month: '1',
      filed_day: '1',
      filed_year: '2027',
      a_number: 'B12',
      error_item: '',
      correct_value: 'x'.repeat(301),
      given_name: '',
      family_name: 'y'.repeat(101),
      requester_role: 'boss',
      email: 'not-an-email',
      phone: '12',
    });
    expect(res.statusCode).toBe(400);
    expect(agent.errorSummary()).toEqual([
      'A receipt number has 13 characters: 3 letters followed by 10 numbers. You entered 5 characters.',
      'Enter the date of birth as month, day and year, for example 4 28 1986',
      'Choose the form number',
      'The date filed must be today or in the past',
      'Enter an A-Number as A followed by 8 or 9 numbers, for example A123456789',
      'Enter what contains the error',
      'Use 300 characters or fewer to say what it should say',
      'Enter your first name',
      'Enter a last name of 100 characters or fewer',
      'Choose who you are',
      'Enter an email address in the format name@example.com',
      'Enter a phone number like 202-555-0123',
    ]);
    const links = agent
      .$('#error-summary a')
      .map((_, a) => agent.$(a).attr('href'))
      .get();
    expect(links).toEqual([
      '#receipt_number',
      '#dob_month',
      '#form_number',
      '#filed_month',
      '#a_number',
      '#error_item',
      '#correct_value',
      '#given_name',
      '#family_name',
      '#requester_role',
      '#email',
      '#phone',
    ]);
    for (const href of links) expect(agent.$(href).length, href).toBe(1);
    expect(agent.$('#receipt_number').val()).toBe('EAC12');
    expect(agent.$('title').text()).toMatch(/^There is a problem/);
    expect(await countItems()).toBe(before);
  });

  it("checks each form type's own fields, with explanations bounded at 2,000 characters", async () => {
    const cases: [RequestForm, Record<string, string | string[]>, string[]][] = [
      [
        'expedite-request',
        {
          receipt_number: VSC_CASE,
          ...dob('1986-04-28'),
          criterion: 'because',
          description: 'z'.repeat(2001),
          ...person('a@example.com'),
        },
        ['Choose the expedite criterion your request meets', 'Use 2,000 characters or fewer in this box'],
      ],
      [
        'expedite-request',
        { receipt_number: VSC_CASE, ...dob('1986-04-28'), criterion: 'agency_error', ...person('a@example.com') },
        ['Explain why your case should be expedited'],
      ],
      [
        'interview-oath-reschedule',
        {
          receipt_number: MIA_CASE,
          ...dob('1990-07-14'),
          appointment_month: '11',
          appointment_day: '22',
          appointment_year: '2026',
          ...person('a@example.com'),
        },
        [
          'Choose the appointment you need to reschedule',
          'The appointment date must be today or later',
          'Tell us why you need a new date',
        ],
      ],
      [
        'accommodation-request',
        {
          accommodation: ['other', 'bogus'],
          appointment_kind: 'interview',
          receipt_number: VSC_CASE,
          ...person('a@example.com'),
        },
        ["Enter the applicant's date of birth", 'Describe the accommodation you need'],
      ],
      [
        'accommodation-request',
        { appointment_kind: 'party', ...person('a@example.com') },
        ['Choose the accommodation you need', 'Choose the appointment it is for'],
      ],
      [
        'mail-not-received',
        {
          receipt_number: VSC_CASE,
          ...dob('1986-04-28'),
          form_number: 'I-130',
          filed_month: '2',
          filed_day: '30',
          filed_year: '2025',
          street: '1 Main',
          city: 'Austin',
          state: 'Texas',
          zip: '7870',
          ...person('a@example.com'),
        },
        [
          'Choose what did not arrive',
          'Enter the date filed as month, day and year, for example 1 15 2025',
          'Describe what did not arrive',
          'Enter the state as two letters, for example TX',
          'Enter a ZIP code of 5 or 9 numbers, for example 20529',
        ],
      ],
      [
        'outside-processing-time',
        { ...person('a@example.com') },
        ['Enter your receipt number.', "Enter the applicant's date of birth"],
      ],
    ];
    const before = await countItems();
    for (const [form, fields, expected] of cases) {
      const agent = visitor();
      expect((await send(agent, form, fields)).statusCode, form).toBe(400);
      expect(agent.errorSummary(), form).toEqual(expected);
    }
    expect(await countItems()).toBe(before);
  });

  it('in Spanish', async () => {
    const agent = visitor();
    await send(agent, 'expedite-request', { receipt_number: '', email: 'x' }, 'es');
    expect(agent.errorSummary()).toEqual([
      'Escriba su número de recibo.',
      'Escriba la fecha de nacimiento del solicitante',
      'Elija el criterio para acelerar trámites que cumple su solicitud',
      'Explique por qué debemos acelerar su caso',
      'Escriba su nombre',
      'Escriba su apellido',
      'Elija quién es usted',
      'Escriba un correo electrónico con el formato nombre@ejemplo.com',
    ]);
  });

  it('refuses a post without its CSRF token', async () => {
    const agent = visitor();
    await agent.get('/e-request/expedite-request');
    expect(
      (await agent.post('/e-request/expedite-request', { _csrf: null, ...person('a@example.com') })).statusCode,
    ).toBe(403);
  });

  it('never answers 5xx and files nothing for any input to any form', async () => {
    const before = await countItems();
    const field = fc.constantFrom(
      'receipt_number',
      'dob_month',
      'dob_day',
      'dob_year',
      'given_name',
      'family_name',
      'email',
      'phone',
      'requester_role',
      'section_1367',
      'form_number',
      'filed_year',
      'a_number',
      'error_item',
      'correct_value',
      'mail_kind',
      'missing_item',
      'street',
      'state',
      'zip',
      'accommodation',
      'appointment_kind',
      'appointment_month',
      'criterion',
      'reschedule_kind',
      'description',
      '__proto__',
      'constructor',
    );
    const value = fc.oneof(
      fc.string({ maxLength: 30 }),
      fc.constantFrom(
        '',
        VSC_CASE,
        '1986',
        '04',
        '28',
        'applicant',
        'other',
        'agency_error',
        '\u0000',
        'é'.repeat(2500),
      ),
      fc.array(fc.string({ maxLength: 8 }), { maxLength: 3 }),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...REQUEST_FORMS),
        fc.dictionary(field, value, { maxKeys: 10 }),
        async (form, fields) => {
          const agent = visitor();
          const res = await send(agent, form, fields);
          expect([400, 200]).toContain(res.statusCode);
        },
      ),
      { numRuns: 60 },
    );
    expect(await countItems()).toBe(before);
  });

  it('limits posts per address', async () => {
    const agent = new TestAgent(t.app, '10.33.0.1');
    let last = 0;
    for (let i = 0; i < 25 && last !== 429; i++)
      last = (await send(agent, 'expedite-request', { email: 'x' })).statusCode;
    expect(last).toBe(429);
    t.clock.advance(61_000);
  });
});

describe('the status page', () => {
  let number: string;
  beforeAll(async () => {
    ({ number } = await sendOk('typo-correction', {
      receipt_number: VSC_CASE,
      ...dob('1986-04-28'),
      ...FILING,
      error_item: 'Notice: name',
      correct_value: 'Ana López',
      ...person('Ana.Status@Example.com'),
    }));
    const item = await itemByNumber(number);
    const worker = { accountId: agentOne.accountId, roles: ['tier1'] };
    await t.services.serviceItems.note(item.id, worker, 'INTERNAL: caller sounded upset, check the A-file');
    await t.services.serviceItems.reply(item.id, worker, 'We corrected your name; a new notice is on its way.');
  });

  const check = async (fields: Record<string, string>, lang?: 'es') => {
    const agent = visitor();
    await agent.get(`/e-request/status${lang ? `?lang=${lang}` : ''}`);
    const res = await agent.post('/e-request/status', fields);
    return { agent, res, text: agent.$('main').text().replace(/\s+/g, ' ') };
  };

  it('shows the request to the right number plus email: type, date sent, customer status, expected answer, replies; never internal notes', async () => {
    const { res, text, agent } = await check({ number: ` #${number} `, email: 'ana.status@example.com' });
    expect(res.statusCode).toBe(200);
    expect(agent.$('h1').length).toBe(1);
    expect(text).toContain(`Service item #${number}`);
    expect(text).toContain('Typographical error correction');
    expect(text).toContain('November 23, 2026');
    expect(text).toContain('We are working on it');
    expect(text).toContain('by January 7, 2027');
    expect(text).toContain('We received your request');
    expect(text).toContain('We answered you');
    expect(text).toContain('We corrected your name; a new notice is on its way.');
    expect(text).not.toContain('INTERNAL');
    expect(text).not.toMatch(/tier1|Tier 1|in_progress/);
  });

  it('gives the same answer for a wrong email and a wrong number', async () => {
    const wrongEmail = await check({ number, email: 'someone.else@example.com' });
    const wrongNumber = await check({ number: String(Number(number) + 1000), email: 'ana.status@example.com' });
    expect(wrongEmail.res.statusCode).toBe(404);
    expect(wrongNumber.res.statusCode).toBe(404);
    expect(wrongEmail.agent.errorSummary()).toEqual([
      'We could not find a request with this service item number and email address. Check both and try again.',
    ]);
    expect(wrongNumber.agent.errorSummary()).toEqual(wrongEmail.agent.errorSummary());
    expect(wrongEmail.text).not.toContain('Typographical');
    expect(wrongNumber.text).not.toContain('Typographical');
  });

  it('checks its fields', async () => {
    const { res, agent } = await check({ number: 'abc', email: '' });
    expect(res.statusCode).toBe(400);
    expect(agent.errorSummary()).toEqual([
      'Enter the service item number using numbers only, for example 30000123',
      'Enter your email address',
    ]);
  });

  it('maps statuses for the customer, in Spanish too', async () => {
    const item = await itemByNumber(number);
    await t.services.serviceItems.pauseClock(
      item.id,
      { accountId: agentOne.accountId, roles: ['tier1'] },
      'Asked for a copy of the notice',
    );
    let r = await check({ number, email: 'ana.status@example.com' }, 'es');
    expect(r.text).toContain('Necesitamos información de usted');
    expect(r.text).not.toContain('Asked for a copy');
    await t.services.serviceItems.resolve(
      item.id,
      { accountId: agentOne.accountId, roles: ['tier1'] },
      'answered',
      'Corrected notice mailed.',
    );
    r = await check({ number, email: 'ana.status@example.com' });
    expect(r.text).toContain('Closed');
    expect(r.text).toContain('Corrected notice mailed.');
    expect(r.text).not.toContain('by January 7, 2027');
  });

  it('shows a Section 1367 item to whoever has its number and email', async () => {
    const { number: protectedNumber } = await sendOk('accommodation-request', {
      accommodation: 'wheelchair_access',
      appointment_kind: 'interview',
      ...person('ana.private@example.com'),
      section_1367: '1',
    });
    const { text } = await check({ number: protectedNumber, email: 'ana.private@example.com' });
    expect(text).toContain('Accommodation request');
    expect(text).toContain('We are working on it');
  });
});

describe('parsing (pure)', () => {
  it('reads dates, A-Numbers and normalizes answers', () => {
    expect(parseDateParts('2', '29', '2024')).toEqual({ kind: 'ok', iso: '2024-02-29' });
    expect(parseDateParts('2', '29', '2025')).toEqual({ kind: 'invalid' });
    expect(parseDateParts('', '', '')).toEqual({ kind: 'empty' });
    expect(parseDateParts('1', '1', '1899')).toEqual({ kind: 'invalid' });
    expect(normalizeANumber('a-123 456 78')).toBe('A012345678');
    expect(normalizeANumber('A1234567890')).toBeUndefined();
    const ok = parseRequest(
      'accommodation-request',
      {
        accommodation: ['other', 'other'],
        appointment_kind: 'other',
        description: ' Braille ',
        given_name: 'A',
        family_name: 'B',
        requester_role: 'other',
        email: ' X@Example.COM ',
      },
      '2026-11-23',
    );
    expect(ok).toMatchObject({
      ok: true,
      value: {
        email: 'x@example.com',
        text: 'Braille',
        details: { accommodation: ['other'] },
        receiptNumber: null,
        dateOfBirth: null,
      },
    });
  });

  it('never throws on any input', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...REQUEST_FORMS),
        fc.dictionary(fc.string({ maxLength: 15 }), fc.oneof(fc.string(), fc.array(fc.string(), { maxLength: 3 }))),
        (form, raw) => {
          const result = parseRequest(form, raw, '2026-11-23');
          expect(typeof result.ok).toBe('boolean');
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('guessing dates of birth (issue 13 item 15)', () => {
  const fields = (receipt: string, birth: string, email: string) => ({
    receipt_number: receipt,
    ...dob(birth),
    criterion: 'urgent_humanitarian',
    description: 'Please.',
    ...person(email),
  });
  const NOT_FOUND =
    'We could not find a case with this receipt number and date of birth. Check both and try again, or call the Contact Center.';
  /** The page's main text with what differs between two receipt numbers and dates taken out. */
  const mainOf = (agent: TestAgent, receipt: string) =>
    agent.$('main').text().replaceAll(receipt, 'RECEIPT').replace(/\s+/g, ' ');

  it("lets the real applicant, from another address and email, through at once after someone else's five wrong tries", async () => {
    const guesser = visitor();
    for (let i = 0; i < 5; i++) {
      expect(
        (
          await send(
            guesser,
            'expedite-request',
            fields(MIA_CASE, `1979-03-${String(10 + i)}`, 'guesser.one@example.com'),
          )
        ).statusCode,
      ).toBe(400);
      expect(guesser.errorSummary()).toEqual([NOT_FOUND]);
    }
    const before = await countItems();
    const applicant = visitor();
    const res = await send(applicant, 'expedite-request', fields(MIA_CASE, '1990-07-14', 'ana.real@example.com'));
    expect(res.statusCode, applicant.errorSummary().join(' | ')).toBe(303);
    expect(await countItems()).toBe(before + 1);
  });

  it('slows the same requester down (by address or by email) with a wait it is told, then lets it try again', async () => {
    const ip = '10.34.0.1';
    const requester = new TestAgent(t.app, ip);
    for (let i = 0; i < 5; i++)
      expect(
        (
          await send(
            requester,
            'expedite-request',
            fields(VSC_CASE, `1986-05-${String(10 + i)}`, 'slow.one@example.com'),
          )
        ).statusCode,
      ).toBe(400);
    // The sixth try waits, even with the right date of birth: the answer says until when.
    let res = await send(requester, 'expedite-request', fields(VSC_CASE, '1986-04-28', 'slow.one@example.com'));
    expect(res.statusCode).toBe(429);
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    expect(requester.errorSummary()[0]).toMatch(
      /^You tried this receipt number several times with details that did not match\. For your security, wait until .*\d{1,2}:\d{2}.* and try again/,
    );
    // The same requester is the same address with another email, or the same email from another address.
    expect(
      (await send(new TestAgent(t.app, ip), 'expedite-request', fields(VSC_CASE, '1986-04-28', 'slow.two@example.com')))
        .statusCode,
    ).toBe(429);
    const elsewhere = visitor();
    expect(
      (await send(elsewhere, 'expedite-request', fields(VSC_CASE, '1986-04-28', 'slow.one@example.com'), 'es'))
        .statusCode,
    ).toBe(429);
    expect(elsewhere.errorSummary()[0]).toMatch(
      /^Intentó varias veces con este número de recibo y datos que no coinciden\. Por su seguridad, espere hasta/,
    );
    // After the wait, one more try; another failure makes the next wait twice as long.
    t.clock.advance(61_000);
    expect(
      (await send(requester, 'expedite-request', fields(VSC_CASE, '1986-05-20', 'slow.one@example.com'))).statusCode,
    ).toBe(400);
    t.clock.advance(61_000);
    expect(
      (await send(requester, 'expedite-request', fields(VSC_CASE, '1986-04-28', 'slow.one@example.com'))).statusCode,
    ).toBe(429);
    t.clock.advance(60_000);
    const before = await countItems();
    res = await send(requester, 'expedite-request', fields(VSC_CASE, '1986-04-28', 'slow.one@example.com'));
    expect(res.statusCode, requester.errorSummary().join(' | ')).toBe(303);
    expect(await countItems()).toBe(before + 1);
  });

  it('answers the same for a case that exists and an unknown receipt number, before and during the wait', async () => {
    const unknownReceipt = 'IOE2399999998';
    const known = new TestAgent(t.app, '10.34.1.1');
    const unknown = new TestAgent(t.app, '10.34.1.2');
    for (let i = 0; i <= 5; i++) {
      const a = await send(
        known,
        'expedite-request',
        fields(MIA_CASE, `1990-08-${String(10 + i)}`, 'same.known@example.com'),
      );
      const b = await send(
        unknown,
        'expedite-request',
        fields(unknownReceipt, `1990-08-${String(10 + i)}`, 'same.unknown@example.com'),
      );
      expect(a.statusCode, `try ${i + 1}`).toBe(i < 5 ? 400 : 429);
      expect(b.statusCode, `try ${i + 1}`).toBe(a.statusCode);
      expect(b.headers['retry-after']).toBe(a.headers['retry-after']);
      expect(unknown.errorSummary()).toEqual(known.errorSummary());
      expect(mainOf(unknown, unknownReceipt)).toBe(mainOf(known, MIA_CASE));
    }
  });
});
