import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  lastMessage,
  linkIn,
  onlineAccountNumber,
  PASSWORD,
  signIn,
  signUpApplicant,
  totpAt,
  type Applicant,
} from '../../../test/accounts-support.js';
import { TestAgent } from '../../../test/agent.js';
import { createTestApp, type TestApp } from '../../../test/harness.js';
import { createStaffMember, type StaffPerson } from '../../../test/staff-support.js';
import { OTP_MAX_FAILURES } from '../accounts/index.js';
import { RECOVERY_LINK_TTL_MS, RECOVERY_WAIT_MS } from './service.js';

let t: TestApp;
let desk: StaffPerson;
let tier2: StaffPerson;
let tier1: StaffPerson;
beforeAll(async () => {
  t = await createTestApp();
  desk = await createStaffMember(t, {
    email: 'hana.desk@agency.example',
    name: 'Hana Desk',
    roles: ['help_desk'],
    ip: '10.8.0.1',
  });
  tier2 = await createStaffMember(t, {
    email: 'tariq.tier2@agency.example',
    name: 'Tariq Two',
    roles: ['tier2'],
    ip: '10.8.0.2',
  });
  tier1 = await createStaffMember(t, {
    email: 'tess.tier1@agency.example',
    name: 'Tess One',
    roles: ['tier1'],
    ip: '10.8.0.3',
  });
});
afterAll(async () => t?.close());

const countItems = async () =>
  Number(
    (
      await t.deps.database.db
        .selectFrom('service_items')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );
const audit = async (action: string) =>
  t.deps.database.db.selectFrom('audit_log').selectAll().where('action', '=', action).orderBy('id', 'desc').execute();

/** Keeps the staff sessions alive across fake-clock jumps (idle timeout is 15 minutes). */
async function touchStaff() {
  for (const s of [desk, tier2, tier1]) await s.agent.get('/staff');
}

async function submitHelp(agent: TestAgent, fields: Record<string, string>) {
  await agent.get('/help/technical');
  return agent.post('/help/technical', fields);
}

describe('the technical-help form (ACC-7)', () => {
  it('files a request as a numbered help-desk item with its target, and emails the number', async () => {
    const visitor = new TestAgent(t.app, '10.8.1.1');
    const res = await submitHelp(visitor, {
      topic: 'locked_out',
      description: 'I typed my code wrong too many times.',
      name: 'Rosa Díaz',
      email: 'Rosa@Example.com',
      phone: '(202) 555-0147',
    });
    expect(res.statusCode).toBe(303);
    const sent = await visitor.get(res.headers.location as string);
    expect(sent.statusCode).toBe(200);
    const number = visitor.$('.casedesk-receipt').text();
    expect(number).toMatch(/^\d{8}$/);
    expect(visitor.$('main').text()).toContain('We usually answer within 1 day.');
    const item = await t.deps.database.db
      .selectFrom('service_items')
      .selectAll()
      .where('number', '=', Number(number))
      .executeTakeFirstOrThrow();
    expect(item).toMatchObject({
      queue: 'help_desk',
      channel: 'technical_help_form',
      type: 'locked_out',
      contact_email: 'rosa@example.com',
      contact_phone: '+12025550147',
      status: 'open',
    });
    expect(item.due_at.getTime() - item.created_at.getTime()).toBe(86_400_000);
    const email = await lastMessage(t, 'rosa@example.com', 'help_request_received');
    expect(email!.body).toContain(number);
  });

  it('gives other technical requests 2 to 3 days, in Spanish too', async () => {
    const visitor = new TestAgent(t.app, '10.8.1.2');
    await visitor.get('/help/technical?lang=es');
    expect(visitor.$('h1').text()).toBe('Obtener ayuda técnica');
    const res = await visitor.post('/help/technical', {
      topic: 'two_step',
      description: 'Perdí mi teléfono y no tengo códigos.',
      name: 'Luis Pérez',
      email: 'luis@example.com',
    });
    await visitor.get(res.headers.location as string);
    expect(visitor.$('main').text()).toContain('Normalmente respondemos en 2 a 3 días.');
    const email = await lastMessage(t, 'luis@example.com', 'help_request_received');
    expect(email!.language).toBe('es');
  });

  it('follows the routing table and starts an SLA clock the status page tells (ACC-6, issue 15 point 11)', async () => {
    // Clock at Monday 2026-11-23 15:00 UTC (10:00 in New York): resets in 24 hours, the rest in 2 to 3 days.
    const visitor = new TestAgent(t.app, '10.8.1.9');
    const filed: Record<string, { number: number; created: Date }> = {};
    for (const [topic, email] of [
      ['password_reset', 'reset.sla@example.com'],
      ['email_or_phone', 'other.sla@example.com'],
    ] as const) {
      const res = await submitHelp(visitor, {
        topic,
        description: 'Please help me with my account.',
        name: 'Ines Sla',
        email,
      });
      expect(res.statusCode).toBe(303);
      const item = await t.deps.database.db
        .selectFrom('service_items')
        .selectAll()
        .where('contact_email', '=', email)
        .executeTakeFirstOrThrow();
      filed[topic] = { number: item.number, created: item.created_at };
      const policy = topic === 'password_reset' ? 'technical_reset' : 'technical_other';
      const hours = topic === 'password_reset' ? 24 : 72;
      expect(item).toMatchObject({ queue: 'help_desk', sla_policy: policy, sla_started_at: t.clock.now() });
      expect(item.due_at.getTime() - item.created_at.getTime()).toBe(hours * 3_600_000);
      const created = (await t.services.serviceItems.timeline(item.id)).find((e) => e.kind === 'created');
      expect(created?.details).toMatchObject({ rule: topic === 'password_reset' ? 11 : 14, sla: policy });
    }
    const check = async (number: number, email: string) => {
      const agent = new TestAgent(t.app, '10.8.1.10');
      await agent.get('/e-request/status');
      const res = await agent.post('/e-request/status', { number: String(number), email });
      expect(res.statusCode).toBe(200);
      return agent.$('main').text();
    };
    const reset = await check(filed.password_reset!.number, 'reset.sla@example.com');
    expect(reset).toContain('We usually answer by email within 1 day: by November 24, 2026.');
    expect(reset).not.toContain('30 business days');
    const other = await check(filed.email_or_phone!.number, 'other.sla@example.com');
    expect(other).toContain('We usually answer by email within 2 to 3 days: by November 26, 2026.');
    const email = await lastMessage(t, 'other.sla@example.com', 'help_request_received');
    expect(email!.body).toContain('within 2-3 day(s)');
  });

  it('shows precise errors and files nothing on bad input', async () => {
    const before = await countItems();
    const visitor = new TestAgent(t.app, '10.8.1.3');
    const res = await submitHelp(visitor, {
      topic: 'nonsense',
      description: 'short',
      name: '',
      email: 'not-an-email',
      phone: '12',
    });
    expect(res.statusCode).toBe(400);
    expect(visitor.errorSummary()).toEqual([
      'Choose what you need help with',
      'Describe the problem in at least 10 characters',
      'Enter your full name',
      'Enter an email address in the format name@example.com',
      'Enter a phone number like 202-555-0123',
    ]);
    expect(visitor.$('#description').val()).toBe('short');
    expect(await countItems()).toBe(before);
  });

  it('never answers 5xx and files nothing for any input', async () => {
    const before = await countItems();
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          topic: fc.oneof(fc.constant('other'), fc.string()),
          description: fc.string({ maxLength: 12 }),
          name: fc.string(),
          email: fc.string(),
          phone: fc.string(),
        }),
        async (fields) => {
          // A visitor per run: the per-address limit on forms stays out of the way.
          const visitor = new TestAgent(t.app, `10.8.${100 + Math.floor(run / 250)}.${run++ % 250}`);
          await visitor.get('/help/technical');
          const res = await visitor.post('/help/technical', fields);
          expect(res.statusCode === 303 || res.statusCode === 400).toBe(true); // 303: a valid request by chance
        },
      ),
      { numRuns: 40 },
    );
    const filed = (await countItems()) - before;
    expect(filed).toBeLessThanOrEqual(1);
  });

  it('links the request to the account of a signed-in person', async () => {
    const person = await signUpApplicant(t, 'linked.person@example.com', '10.8.1.5');
    await person.agent.get('/help/technical');
    expect(person.agent.$('#email').val()).toBe('linked.person@example.com');
    const res = await person.agent.post('/help/technical', {
      topic: 'other',
      description: 'The page froze after uploading.',
      name: 'Linked Person',
      email: 'linked.person@example.com',
    });
    await person.agent.get(res.headers.location as string);
    const item = await t.deps.database.db
      .selectFrom('service_items')
      .select('account_id')
      .where('number', '=', Number(person.agent.$('.casedesk-receipt').text()))
      .executeTakeFirstOrThrow();
    expect(item.account_id).toBe(person.accountId);
  });
});

describe('the Technical Help Desk (ACC-6)', () => {
  let locked: Applicant;

  it('is refused to Tier 1, applicants and visitors', async () => {
    expect((await tier1.agent.get('/staff/help-desk')).statusCode).toBe(403);
    locked = await signUpApplicant(t, 'locked.lina@example.com', '10.8.2.1');
    expect((await locked.agent.get('/staff/help-desk')).statusCode).toBe(403);
    expect((await locked.agent.get(`/staff/help-desk/accounts/${locked.accountId}`)).statusCode).toBe(403);
    const visitor = new TestAgent(t.app, '10.8.2.2');
    expect((await visitor.get('/staff/help-desk')).headers.location).toBe('/account/sign-in');
    // Tier 2 works items but cannot open accounts.
    expect((await tier2.agent.get(`/staff/help-desk/accounts/${locked.accountId}`)).statusCode).toBe(403);
  });

  it('finds an account by email or by Online Account Number, and audits the search and the view', async () => {
    await desk.agent.get('/staff/help-desk?q=LOCKED.LINA@example.com');
    expect(desk.agent.$(`a[href="/staff/help-desk/accounts/${locked.accountId}"]`)).toHaveLength(1);
    const oan = await onlineAccountNumber(t, locked.accountId);
    await desk.agent.get(`/staff/help-desk?q=${oan.slice(0, 4)}-${oan.slice(4, 8)}-${oan.slice(8)}`);
    expect(desk.agent.$(`a[href="/staff/help-desk/accounts/${locked.accountId}"]`)).toHaveLength(1);
    expect((await desk.agent.get('/staff/help-desk?q=hello')).statusCode).toBe(400);
    // Staff accounts are not found here.
    await desk.agent.get(`/staff/help-desk?q=${encodeURIComponent(tier1.email)}`);
    expect(desk.agent.$('main').text()).toContain('No account matches.');
    expect((await desk.agent.get(`/staff/help-desk/accounts/${tier1.accountId}`)).statusCode).toBe(404);
    const searches = await audit('help_desk.account_search');
    expect(searches[0]!.actor_id).toBe(desk.accountId);
    await desk.agent.get(`/staff/help-desk/accounts/${locked.accountId}`);
    expect((await audit('help_desk.account_viewed'))[0]).toMatchObject({
      actor_id: desk.accountId,
      subject_id: locked.accountId,
    });
  });

  it('sees a lockout, unlocks it with a reason, and the person can sign in again at once (and is emailed)', async () => {
    const agent = new TestAgent(t.app, '10.8.2.3');
    await agent.get('/account/sign-in');
    for (let i = 0; i < 6; i++)
      await agent.post('/account/sign-in', { email: locked.email, password: 'wrong password number x' });
    // And the codes: ten wrong ones after a right password.
    const other = new TestAgent(t.app, '10.8.2.4');
    await other.get('/account/sign-in');
    await desk.agent.get(`/staff/help-desk/accounts/${locked.accountId}`);
    expect(desk.agent.$('main').text()).toContain('Sign-in with the password is paused until');
    const res = await desk.agent.post(`/staff/help-desk/accounts/${locked.accountId}/unlock`, { reason: '' });
    expect(res.statusCode).toBe(400);
    expect(desk.agent.errorSummary()).toEqual(['Enter the reason']);
    expect(
      (
        await desk.agent.post(`/staff/help-desk/accounts/${locked.accountId}/unlock`, {
          reason: 'Caller verified; locked after typos',
        })
      ).statusCode,
    ).toBe(303);
    await desk.agent.get(`/staff/help-desk/accounts/${locked.accountId}?done=unlocked`);
    expect(desk.agent.$('main').text()).toContain('This account is not locked.');
    expect(desk.agent.$('main').text()).toContain('Unlocked by the help desk');
    expect(await lastMessage(t, locked.email, 'account_unlocked')).toBeDefined();
    expect((await audit('help_desk.account_unlocked'))[0]).toMatchObject({
      subject_id: locked.accountId,
      reason: 'Caller verified; locked after typos',
    });
    const back = await signIn(t, new TestAgent(t.app, '10.8.2.5'), locked.email, locked.secret);
    expect(back.headers.location).toBe('/account');
  });

  it('unlocks one-time codes locked after 10 wrong codes', async () => {
    await touchStaff();
    const agent = new TestAgent(t.app, '10.8.2.6');
    await agent.get('/account/sign-in');
    await agent.post('/account/sign-in', { email: locked.email, password: PASSWORD });
    await agent.get('/account/sign-in/code');
    for (let i = 0; i < OTP_MAX_FAILURES; i++) await agent.post('/account/sign-in/code', { code: '000000' });
    expect((await agent.post('/account/sign-in/code', { code: totpAt(t, locked.secret) })).statusCode).toBe(429);
    await desk.agent.get(`/staff/help-desk/accounts/${locked.accountId}`);
    expect(desk.agent.$('main').text()).toContain('One-time codes are locked until');
    await desk.agent.post(`/staff/help-desk/accounts/${locked.accountId}/unlock`, { reason: 'Verified by phone' });
    t.clock.advance(31_000);
    const res = await agent.post('/account/sign-in/code', { code: totpAt(t, locked.secret) });
    expect(res.statusCode).toBe(303);
  });

  it('sends reset instructions, up to the hourly limit, which an unlock lifts', async () => {
    await touchStaff();
    await desk.agent.get(`/staff/help-desk/accounts/${locked.accountId}`);
    for (let i = 0; i < 3; i++) {
      await desk.agent.get(`/staff/help-desk/accounts/${locked.accountId}`);
      const sent = await desk.agent.post(`/staff/help-desk/accounts/${locked.accountId}/reset-link`, {});
      expect(sent.statusCode).toBe(303);
    }
    await desk.agent.get(`/staff/help-desk/accounts/${locked.accountId}`);
    const refused = await desk.agent.post(`/staff/help-desk/accounts/${locked.accountId}/reset-link`, {});
    expect(refused.statusCode).toBe(400);
    expect(desk.agent.errorSummary()[0]).toContain('Three reset links were already sent this hour');
    await desk.agent.post(`/staff/help-desk/accounts/${locked.accountId}/unlock`, { reason: 'Person asked again' });
    await desk.agent.get(`/staff/help-desk/accounts/${locked.accountId}`);
    expect((await desk.agent.post(`/staff/help-desk/accounts/${locked.accountId}/reset-link`, {})).statusCode).toBe(
      303,
    );
    const emails = await t.deps.database.db
      .selectFrom('notification_messages')
      .select('id')
      .where('recipient', '=', locked.email)
      .where('template', '=', 'reset_password')
      .execute();
    expect(emails).toHaveLength(4);
  });
});

describe('help-desk items: answer, escalate to Tier 2 for a callback (ACC-7)', () => {
  it('answers by email, escalates to Tier 2 (who sees it), and closes after two unanswered calls', async () => {
    await touchStaff();
    const visitor = new TestAgent(t.app, '10.8.3.1');
    let res = await submitHelp(visitor, {
      topic: 'other',
      description: 'My uploads fail with an odd error.',
      name: 'Omar Ali',
      email: 'omar@example.com',
      phone: '202-555-0190',
    });
    const number = new URL(res.headers.location as string, 'http://x').searchParams.get('number')!;
    await desk.agent.get('/staff/help-desk');
    expect(desk.agent.$(`a[href="/staff/help-desk/items/${number}"]`)).toHaveLength(1);
    await desk.agent.get(`/staff/help-desk/items/${number}`);
    res = await desk.agent.post(`/staff/help-desk/items/${number}/reply`, { message: 'Which browser do you use?' });
    expect(res.statusCode).toBe(303);
    expect((await lastMessage(t, 'omar@example.com', 'help_request_reply'))!.body).toContain(
      'Which browser do you use?',
    );
    // Tier 2 does not see help-desk items before escalation.
    expect((await tier2.agent.get(`/staff/help-desk/items/${number}`)).statusCode).toBe(404);
    await desk.agent.get(`/staff/help-desk/items/${number}`);
    res = await desk.agent.post(`/staff/help-desk/items/${number}/escalate`, {
      reason: 'Needs a call to walk through uploads',
    });
    expect(res.statusCode).toBe(303);
    expect((await lastMessage(t, 'omar@example.com', 'help_request_escalated'))!.body).toContain('202-838-2104');
    await tier2.agent.get('/staff/help-desk');
    expect(tier2.agent.$(`a[href="/staff/help-desk/items/${number}"]`)).toHaveLength(1);
    await tier2.agent.get(`/staff/help-desk/items/${number}`);
    res = await tier2.agent.post(`/staff/help-desk/items/${number}/call`, { answered: 'no', note: 'Voicemail' });
    expect(res.headers.location).toContain('done=call');
    await tier2.agent.get(`/staff/help-desk/items/${number}`);
    res = await tier2.agent.post(`/staff/help-desk/items/${number}/call`, { answered: 'no', note: '' });
    expect(res.headers.location).toContain('done=closed');
    const item = await t.deps.database.db
      .selectFrom('service_items')
      .selectAll()
      .where('number', '=', Number(number))
      .executeTakeFirstOrThrow();
    expect(item).toMatchObject({ status: 'closed', resolution: 'no_response', queue: 'tier2' });
    expect(await lastMessage(t, 'omar@example.com', 'help_request_no_answer')).toBeDefined();
    // The help desk only calls through Tier 2: its agents cannot record calls.
    await desk.agent.get(`/staff/help-desk/items/${number}`);
    expect(desk.agent.$('form[action$="/call"]')).toHaveLength(0);
    expect((await desk.agent.post(`/staff/help-desk/items/${number}/call`, { answered: 'yes' })).statusCode).toBe(403);
  });

  it('an escalated item without a callback (its number not valid for one) still closes after two unanswered calls', async () => {
    await touchStaff();
    const visitor = new TestAgent(t.app, '10.8.3.3');
    const res = await submitHelp(visitor, {
      topic: 'other',
      description: 'The upload page never finishes.',
      name: 'Ines Invalid',
      email: 'ines@example.com',
      phone: '202-555-0191',
    });
    const number = new URL(res.headers.location as string, 'http://x').searchParams.get('number')!;
    // A number no callback can be asked for (not a valid US number): the escalation still goes to Tier 2.
    await t.deps.database.db
      .updateTable('service_items')
      .set({ contact_phone: '555-01' })
      .where('number', '=', Number(number))
      .execute();
    await desk.agent.get(`/staff/help-desk/items/${number}`);
    expect(
      (await desk.agent.post(`/staff/help-desk/items/${number}/escalate`, { reason: 'Needs a call' })).statusCode,
    ).toBe(303);
    const row = () =>
      t.deps.database.db
        .selectFrom('service_items')
        .selectAll()
        .where('number', '=', Number(number))
        .executeTakeFirstOrThrow();
    expect(await t.services.callbacks.ofItem((await row()).id)).toEqual([]);
    await tier2.agent.get(`/staff/help-desk/items/${number}`);
    let call = await tier2.agent.post(`/staff/help-desk/items/${number}/call`, { answered: 'no', note: 'Voicemail' });
    expect(call.headers.location).toContain('done=call');
    expect(await row()).toMatchObject({ status: 'in_progress' });
    expect(await lastMessage(t, 'ines@example.com', 'help_request_no_answer')).toBeUndefined();
    await tier2.agent.get(`/staff/help-desk/items/${number}`);
    call = await tier2.agent.post(`/staff/help-desk/items/${number}/call`, { answered: 'no', note: '' });
    expect(call.headers.location).toContain('done=closed');
    expect(await row()).toMatchObject({ status: 'closed', resolution: 'no_response', queue: 'tier2' });
    expect((await lastMessage(t, 'ines@example.com', 'help_request_no_answer'))!.body).toContain('/help/technical');
  });

  it('cannot escalate a request without a phone number', async () => {
    const visitor = new TestAgent(t.app, '10.8.3.2');
    const res = await submitHelp(visitor, {
      topic: 'sign_up',
      description: 'The confirmation email never arrives.',
      name: 'No Phone',
      email: 'nophone@example.com',
    });
    const number = new URL(res.headers.location as string, 'http://x').searchParams.get('number')!;
    await desk.agent.get(`/staff/help-desk/items/${number}`);
    expect(
      (await desk.agent.post(`/staff/help-desk/items/${number}/escalate`, { reason: 'call please' })).statusCode,
    ).toBe(400);
    expect(desk.agent.errorSummary()[0]).toContain('Tier 2 cannot call back');
  });
});

describe('the help-desk item page as a workspace (issue 15 point 8)', () => {
  it('shows one form at a time from a toolbar, the conversation in the middle and the customer beside it', async () => {
    await touchStaff();
    const visitor = new TestAgent(t.app, '10.8.3.3');
    const res = await submitHelp(visitor, {
      topic: 'other',
      description: 'The page spins forever.',
      name: 'Rosa Toolbar',
      email: 'rosa.toolbar@example.com',
      phone: '202-555-0191',
    });
    const number = new URL(res.headers.location as string, 'http://x').searchParams.get('number')!;
    const base = `/staff/help-desk/items/${number}`;
    const itemForms = () => desk.agent.$(`main form[action^="${base}/"]`);
    const toolbar = () =>
      desk.agent
        .$('nav#actions a')
        .map((_, a) => desk.agent.$(a).attr('href'))
        .get();

    await desk.agent.get(base);
    expect(itemForms()).toHaveLength(1);
    expect(itemForms().attr('action')).toBe(`${base}/reply`);
    expect(toolbar()).toEqual(['reply', 'note', 'escalate', 'resolve'].map((a) => `${base}?action=${a}#actions`));
    expect(desk.agent.$('nav#actions a[aria-current="true"]').attr('href')).toBe(`${base}?action=reply#actions`);
    expect(desk.agent.$('.casedesk-conversation__entry--customer').text()).toContain('The page spins forever.');
    expect(desk.agent.$('#customer-heading').parent().text()).toContain('rosa.toolbar@example.com');

    await desk.agent.get(`${base}?action=note`);
    expect(itemForms()).toHaveLength(1);
    expect(itemForms().attr('action')).toBe(`${base}/note`);
    await desk.agent.get(`${base}?action=call`); // Tier 2's action: not on the help desk's toolbar
    expect(itemForms().attr('action')).toBe(`${base}/reply`);

    // A form answered with an error opens again, alone, with its error.
    await desk.agent.get(`${base}?action=resolve`);
    expect((await desk.agent.post(`${base}/resolve`, { resolution: ' ' })).statusCode).toBe(400);
    expect(itemForms()).toHaveLength(1);
    expect(itemForms().attr('action')).toBe(`${base}/resolve`);
    expect(itemForms().find('.usa-error-message').text()).not.toBe('');

    await desk.agent.get(`${base}?action=note`);
    await desk.agent.post(`${base}/note`, { note: 'Asked for a screenshot' });
    await desk.agent.get(`${base}?lang=es`);
    expect(desk.agent.$('.casedesk-conversation__entry--internal').text()).toContain('Asked for a screenshot');
    expect(desk.agent.$('nav#actions a').first().text()).toBe('Responder');
    await desk.agent.get(`${base}?lang=en`);
  });
});

describe('verified recovery for a person who lost every factor (issue 3 item 4)', () => {
  it('needs the identity checks, notifies the account, can be cancelled by the account holder, then recovers after the wait', async () => {
    await touchStaff();
    const person = await signUpApplicant(t, 'lost.everything@example.com', '10.8.4.1');
    const page = `/staff/help-desk/accounts/${person.accountId}`;
    await desk.agent.get(page);
    let res = await desk.agent.post(`${page}/recovery`, { identity_checks: '', deliver_to: 'new.address@example.com' });
    expect(res.statusCode).toBe(400);
    res = await desk.agent.post(`${page}/recovery`, {
      identity_checks: 'Name, date of birth and A-Number matched',
      deliver_to: desk.email,
    });
    expect(res.statusCode).toBe(400);
    expect(desk.agent.errorSummary()).toEqual(['This address belongs to another account']);

    // Start, then the account holder cancels from the notice.
    res = await desk.agent.post(`${page}/recovery`, {
      identity_checks: 'Name, date of birth and A-Number matched',
      deliver_to: 'new.address@example.com',
    });
    expect(res.statusCode).toBe(303);
    const notice = await lastMessage(t, person.email, 'recovery_started');
    expect(await lastMessage(t, 'new.address@example.com', 'recovery_started')).toBeDefined();
    const cancelPath = linkIn(notice!.body, '/account/recovery/cancel?token=');
    const holder = new TestAgent(t.app, '10.8.4.2');
    expect((await holder.get(cancelPath)).statusCode).toBe(200);
    expect(
      (await holder.post('/account/recovery/cancel', { token: holder.$('input[name=token]').val() as string }))
        .statusCode,
    ).toBe(200);
    expect((await holder.get(cancelPath)).statusCode).toBe(410);
    expect(await lastMessage(t, person.email, 'recovery_cancelled')).toBeDefined();

    // Again; this time nobody cancels.
    await desk.agent.get(page);
    res = await desk.agent.post(`${page}/recovery`, {
      identity_checks: 'Name, date of birth and A-Number matched; video call',
      deliver_to: 'new.address@example.com',
    });
    expect(res.statusCode).toBe(303);
    const recovery = await t.deps.database.db
      .selectFrom('account_recoveries')
      .selectAll()
      .where('account_id', '=', person.accountId)
      .where('cancelled_at', 'is', null)
      .executeTakeFirstOrThrow();
    // Early: the job refuses (and is retried later by the queue).
    await expect(t.services.helpDesk.sendRecoveryLink(recovery.id)).rejects.toThrow(/not over/);
    t.clock.advance(RECOVERY_WAIT_MS);
    expect(await t.services.helpDesk.sendRecoveryLink(recovery.id)).toBe('sent');
    expect(await t.services.helpDesk.sendRecoveryLink(recovery.id)).toBe('skipped');
    const ready = await lastMessage(t, 'new.address@example.com', 'recovery_ready');
    const recoverPath = linkIn(ready!.body, '/account/recover?token=');

    const newPhone = new TestAgent(t.app, '10.8.4.3');
    expect((await newPhone.get(recoverPath)).statusCode).toBe(200);
    res = await newPhone.post('/account/recover', { token: newPhone.$('input[name=token]').val() as string });
    expect(res.headers.location).toBe('/account/sign-up/password');
    // The old session is gone, the old password and authenticator no longer work.
    expect((await person.agent.get('/account')).headers.location).toBe('/account/sign-in');
    const { finishSetup } = await import('../../../test/accounts-support.js');
    const fresh = await finishSetup(t, newPhone, 'a brand new passphrase 2026');
    expect((await newPhone.get('/account')).statusCode).toBe(200);
    const account = await t.deps.database.db
      .selectFrom('accounts')
      .selectAll()
      .where('id', '=', person.accountId)
      .executeTakeFirstOrThrow();
    expect(account.email).toBe('new.address@example.com');
    expect(await lastMessage(t, 'lost.everything@example.com', 'recovery_completed')).toBeDefined();
    expect(
      (await signIn(t, new TestAgent(t.app, '10.8.4.4'), 'new.address@example.com', person.secret, PASSWORD))
        .statusCode,
    ).toBe(400);
    expect(
      (
        await signIn(
          t,
          new TestAgent(t.app, '10.8.4.5'),
          'new.address@example.com',
          fresh.secret,
          'a brand new passphrase 2026',
        )
      ).headers.location,
    ).toBe('/account');
    // The link worked once.
    expect((await new TestAgent(t.app, '10.8.4.6').get(recoverPath)).statusCode).toBe(410);
    expect((await audit('help_desk.recovery_started'))[0]).toMatchObject({
      actor_id: desk.accountId,
      subject_id: person.accountId,
    });
  });

  it('a recovery link expires after 24 hours', async () => {
    const person = await signUpApplicant(t, 'slow.sam@example.com', '10.8.5.1');
    await signIn(t, desk.agent, desk.email, desk.secret, 'staff password for the tests 7');
    await desk.agent.get(`/staff/help-desk/accounts/${person.accountId}`);
    await desk.agent.post(`/staff/help-desk/accounts/${person.accountId}/recovery`, {
      identity_checks: 'Verified on a video call with ID',
      deliver_to: person.email,
    });
    const recovery = await t.deps.database.db
      .selectFrom('account_recoveries')
      .select('id')
      .where('account_id', '=', person.accountId)
      .executeTakeFirstOrThrow();
    t.clock.advance(RECOVERY_WAIT_MS);
    await t.services.helpDesk.sendRecoveryLink(recovery.id);
    const path = linkIn((await lastMessage(t, person.email, 'recovery_ready'))!.body, '/account/recover?token=');
    t.clock.advance(RECOVERY_LINK_TTL_MS + 1000);
    expect((await new TestAgent(t.app, '10.8.5.2').get(path)).statusCode).toBe(410);
  });
});
