import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expireSubmissions, SUBMISSION_KEEP_MS } from '../src/platform/submissions.js';
import { signUpApplicant, type Applicant } from './accounts-support.js';
import { TestAgent } from './agent.js';
import { apiToken, createTestApp, type TestApp } from './harness.js';
import { createStaffMember, type StaffPerson } from './staff-support.js';

/**
 * Issue 13 point 13: a form that creates something carries a one-time token; posting it twice (a double click, the
 * browser's resend, two at the same moment) makes one item, and the second post answers with the first result.
 */

let t: TestApp;
let applicant: Applicant;
let agentPerson: StaffPerson;
const RECEIPT = 'EAC2390077001';
const ONLINE = 'IOE0977700101';
beforeAll(async () => {
  t = await createTestApp();
  applicant = await signUpApplicant(t, 'double.messages@example.com', '10.55.1.1');
  agentPerson = await createStaffMember(t, {
    email: 'tess.tier@agency.example',
    name: 'Tess Tier',
    roles: ['tier1'],
    ip: '10.55.1.2',
  });
  const oan = (
    await t.deps.database.db
      .selectFrom('accounts')
      .select('online_account_number')
      .where('id', '=', applicant.accountId)
      .executeTakeFirstOrThrow()
  ).online_account_number;
  const { token } = await apiToken(t, ['case_events:write']);
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/v1/case-events',
    headers: { authorization: `Bearer ${token}` },
    payload: [
      {
        id: 'dbl-1',
        receiptNumber: RECEIPT,
        type: 'case_received',
        occurredAt: '2025-01-10T15:00:00Z',
        payload: { formCode: 'I-130', applicant: { dateOfBirth: '1986-04-28' } },
      },
      {
        id: 'dbl-2',
        receiptNumber: ONLINE,
        type: 'case_received',
        occurredAt: '2026-09-01T15:00:00Z',
        payload: { formCode: 'I-765', channel: 'online', onlineAccountNumber: oan },
      },
    ],
  });
  expect(res.statusCode).toBe(200);
});
afterAll(async () => t?.close());

const db = () => t.deps.database.db;
const itemsFor = async (email: string) =>
  db().selectFrom('service_items').select(['number', 'channel']).where('contact_email', '=', email).execute();
const messagesTo = async (email: string) =>
  db().selectFrom('notification_messages').select('id').where('recipient', '=', email).execute();

let ip = 0;
const visitor = () => new TestAgent(t.app, `10.55.0.${++ip}`);

/** The form page's hidden fields, to post the same form twice as a browser resending it would. */
async function openForm(agent: TestAgent, url: string): Promise<{ _csrf: string; _submission: string }> {
  expect((await agent.get(url)).statusCode).toBe(200);
  const _csrf = agent.$('input[name=_csrf]').val() as string;
  const _submission = agent.$('input[name=_submission]').val() as string;
  expect(_submission).toMatch(/^[A-Za-z0-9_-]{22,}$/);
  return { _csrf, _submission };
}

const typoFields = (email: string) => ({
  receipt_number: RECEIPT,
  dob_month: '04',
  dob_day: '28',
  dob_year: '1986',
  form_number: 'I-130',
  form_sub_type: 'I130 - Spouse',
  filed_month: '1',
  filed_day: '10',
  filed_year: '2025',
  a_number: 'a 12-345-678',
  error_item: 'Approval notice: my family name',
  correct_value: 'López, not Lopes',
  given_name: 'Ana',
  family_name: 'López',
  requester_role: 'applicant',
  email,
  phone: '(202) 555-0147',
});

describe('e-Request', () => {
  it('two posts of the same form make one item; the second shows the first confirmation', async () => {
    const email = 'double.erequest@example.com';
    const agent = visitor();
    const hidden = await openForm(agent, '/e-request/typo-correction');
    const first = await agent.post('/e-request/typo-correction', { ...typoFields(email), ...hidden });
    expect(first.statusCode).toBe(303);
    expect(first.headers.location).toBe('/e-request/sent');
    await agent.get('/e-request/sent');
    const firstNumber = agent.$('#service-item-number').text();
    expect(firstNumber).toMatch(/^\d+$/);

    // The same form again (the browser's resend), and from another browser that has the page (its cookie is gone).
    const second = await agent.post('/e-request/typo-correction', { ...typoFields(email), ...hidden });
    expect(second.statusCode).toBe(303);
    expect(second.headers.location).toBe('/e-request/sent');
    await agent.get('/e-request/sent');
    expect(agent.$('#service-item-number').text()).toBe(firstNumber);

    expect((await itemsFor(email)).map((i) => String(i.number))).toEqual([firstNumber]);
    expect(await messagesTo(email)).toHaveLength(1);
  });

  it('two posts at the same moment make one item, and both land on its confirmation', async () => {
    const email = 'same.moment@example.com';
    const agent = visitor();
    const hidden = await openForm(agent, '/e-request/typo-correction');
    const [a, b] = await Promise.all([
      agent.post('/e-request/typo-correction', { ...typoFields(email), ...hidden }),
      agent.post('/e-request/typo-correction', { ...typoFields(email), ...hidden }),
    ]);
    expect([a.statusCode, b.statusCode]).toEqual([303, 303]);
    expect(await itemsFor(email)).toHaveLength(1);
    expect(await messagesTo(email)).toHaveLength(1);
  });

  it('a form shown back with errors keeps its token, and a new page gives a new one (a new request)', async () => {
    const email = 'corrected.later@example.com';
    const agent = visitor();
    const hidden = await openForm(agent, '/e-request/typo-correction');
    const wrong = await agent.post('/e-request/typo-correction', {
      ...typoFields(email),
      email: 'not-an-email',
      ...hidden,
    });
    expect(wrong.statusCode).toBe(400);
    expect(agent.$('input[name=_submission]').val()).toBe(hidden._submission);
    expect((await agent.post('/e-request/typo-correction', { ...typoFields(email), ...hidden })).statusCode).toBe(303);
    const again = await openForm(agent, '/e-request/typo-correction');
    expect(again._submission).not.toBe(hidden._submission);
    expect((await agent.post('/e-request/typo-correction', { ...typoFields(email), ...again })).statusCode).toBe(303);
    expect(await itemsFor(email)).toHaveLength(2);
  });
});

describe('technical help', () => {
  const fields = (email: string) => ({
    topic: 'two_step',
    description: 'I lost my phone and my backup codes.',
    name: 'Luis Pérez',
    email,
  });

  it("two posts of the same form make one item; the second answers with the first one's confirmation", async () => {
    const email = 'double.help@example.com';
    const agent = visitor();
    const hidden = await openForm(agent, '/help/technical');
    const first = await agent.post('/help/technical', { ...fields(email), ...hidden });
    expect(first.statusCode).toBe(303);
    expect(first.headers.location).toMatch(/^\/help\/technical\/sent\?number=\d+&topic=two_step$/);
    const second = await agent.post('/help/technical', { ...fields(email), ...hidden });
    expect(second.statusCode).toBe(303);
    expect(second.headers.location).toBe(first.headers.location);
    expect(await itemsFor(email)).toHaveLength(1);
    expect(await messagesTo(email)).toHaveLength(1);
  });

  it('two posts at the same moment make one item', async () => {
    const email = 'same.moment.help@example.com';
    const agent = visitor();
    const hidden = await openForm(agent, '/help/technical');
    const answers = await Promise.all(
      [0, 1, 2].map(() => agent.post('/help/technical', { ...fields(email), ...hidden })),
    );
    expect(answers.map((a) => a.statusCode)).toEqual([303, 303, 303]);
    expect(new Set(answers.map((a) => a.headers.location)).size).toBe(1);
    expect(await itemsFor(email)).toHaveLength(1);
  });
});

describe('a new secure message thread', () => {
  it('two posts of the same form start one thread; the second lands on it', async () => {
    const agent = applicant.agent;
    const hidden = await openForm(agent, `/account/cases/${ONLINE}/messages`);
    const fields = { subject: 'My new address', message: 'I moved to 1 Main St.', ...hidden };
    const first = await agent.post(`/account/cases/${ONLINE}/messages`, fields);
    expect(first.statusCode).toBe(303);
    expect(first.headers.location).toMatch(/^\/account\/messages\/\d+\?sent=1$/);
    const second = await agent.post(`/account/cases/${ONLINE}/messages`, fields);
    expect(second.headers.location).toBe(first.headers.location);
    const threads = await db()
      .selectFrom('service_items')
      .select('number')
      .where('account_id', '=', applicant.accountId)
      .where('channel', '=', 'secure_message')
      .execute();
    expect(threads).toHaveLength(1);
  });
});

describe('an agent logging a call', () => {
  it('two posts of the same form log one item; the second answers with it', async () => {
    const agent = agentPerson.agent;
    const hidden = await openForm(agent, '/agent/new');
    const email = 'caller.once@example.com';
    const fields = {
      channel: 'phone',
      type: 'case_status',
      name: 'Pablo Peña',
      email,
      phone: '',
      language: 'es',
      receipt_number: '',
      subject: 'Status of my case',
      description: 'Wants to know about biometrics.',
      ...hidden,
    };
    const first = await agent.post('/agent/new', fields);
    expect(first.statusCode).toBe(303);
    const second = await agent.post('/agent/new', fields);
    expect(second.statusCode).toBe(303);
    expect(second.headers.location).toBe(first.headers.location);
    expect(await itemsFor(email)).toHaveLength(1);
    expect(await messagesTo(email)).toHaveLength(1);
  });
});

describe('a token used with another form', () => {
  it("is no token there: the post is taken as it is (never a 5xx, never another form's result)", async () => {
    const agent = visitor();
    const hidden = await openForm(agent, '/e-request/typo-correction');
    const email = 'token.elsewhere@example.com';
    expect((await agent.post('/e-request/typo-correction', { ...typoFields(email), ...hidden })).statusCode).toBe(303);
    const help = await openForm(agent, '/help/technical');
    const res = await agent.post('/help/technical', {
      topic: 'two_step',
      description: 'Lost phone.',
      name: 'Luis Pérez',
      email,
      _csrf: help._csrf,
      _submission: hidden._submission,
    });
    expect(res.statusCode).toBe(303);
    expect((await itemsFor(email)).map((i) => i.channel).sort()).toEqual(['e_request', 'technical_help_form']);
  });
});

describe('used tokens', () => {
  it('are kept a week, then deleted', async () => {
    const count = async () =>
      Number(
        (
          await db()
            .selectFrom('form_submissions')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const before = await count();
    expect(before).toBeGreaterThan(0);
    await expireSubmissions(db(), t.clock.now());
    expect(await count()).toBe(before);
    await expireSubmissions(db(), new Date(t.clock.now().getTime() + SUBMISSION_KEEP_MS + 1000));
    expect(await count()).toBe(0);
  });
});
