import { load } from 'cheerio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onlineAccountNumber, signUpApplicant, type Applicant } from '../../../test/accounts-support.js';
import { apiToken, caseEvent, createTestApp, postCaseEvents, type TestApp } from '../../../test/harness.js';
import { AccountHomeService, type AccountHome } from './service.js';
import { accountHomePage } from './views.js';

let t: TestApp;
let token: string;
let ana: Applicant;
let ben: Applicant;
beforeAll(async () => {
  t = await createTestApp();
  token = (await apiToken(t, ['case_events:write'])).token;
  ana = await signUpApplicant(t, 'ana.home@example.com', '10.61.0.1');
  ben = await signUpApplicant(t, 'ben.home@example.com', '10.61.0.2');
});
afterAll(async () => t?.close());

const db = () => t.deps.database.db;
const oanOf = (accountId: string) => onlineAccountNumber(t, accountId);
const at = (d: string) => `${d}T15:00:00Z`;

async function send(events: unknown[]) {
  const res = await postCaseEvents(t, events, token);
  expect(res.statusCode, res.body).toBe(200);
}

const received = (id: string, receipt: string, date: string, formCode: string, oan: string) => ({
  id,
  receiptNumber: receipt,
  type: 'case_received',
  occurredAt: at(date),
  payload: { formCode, channel: 'online', onlineAccountNumber: oan },
});

describe('the account home as a dashboard (ACC-8, issue 15 item 1)', () => {
  beforeAll(async () => {
    const anaOan = await oanOf(ana.accountId);
    await send([
      received('home-a1', 'IOE0933333331', '2026-08-01', 'I-485', anaOan),
      {
        id: 'home-a2',
        receiptNumber: 'IOE0933333331',
        type: 'rfe_sent',
        occurredAt: at('2026-11-02'),
        payload: { responseDue: '2027-01-30' },
      },
      received('home-b1', 'IOE0933333332', '2026-09-01', 'I-765', anaOan),
      received('home-c1', 'IOE0933333333', '2026-09-05', 'I-131', anaOan),
      received('home-d1', 'IOE0933333334', '2026-09-07', 'I-90', await oanOf(ben.accountId)),
    ]);
    // A link suspended for a Section 1367 review: the case is not Ana's to see until it is confirmed.
    const suspended = await db()
      .selectFrom('cases')
      .select('id')
      .where('receipt_number', '=', 'IOE0933333333')
      .executeTakeFirstOrThrow();
    await db()
      .updateTable('account_cases')
      .set({ suspended_at: t.clock.now() })
      .where('account_id', '=', ana.accountId)
      .where('case_id', '=', suspended.id)
      .execute();
    await db()
      .updateTable('accounts')
      .set({ given_name: 'Ana', family_name: 'López' })
      .where('id', '=', ana.accountId)
      .execute();
  });

  it('greets by name, puts "Action needed" first, then each case the person may see with its status and last update', async () => {
    expect((await ana.agent.get('/account')).statusCode).toBe(200);
    const $ = ana.agent.$;
    expect($('h1').text()).toBe('My account');
    expect($('#greeting').text()).toBe('Welcome, Ana');
    expect($('#greeting').text()).not.toContain(ana.email);
    expect($('#account-email').text()).toBe(`Email address of the account: ${ana.email}`);
    // The order of the page: what needs doing, then the cases, then the account number and the actions.
    const ids = $('main section')
      .map((_, s) => $(s).attr('aria-labelledby'))
      .get();
    expect(ids.slice(0, 4)).toEqual(['action-heading', 'cases-heading', 'oan-heading', 'account-actions-home-heading']);
    const action = $('#action-needed');
    expect(action.find('h3').first().text()).toBe('Respond to a Request for Evidence');
    expect(action.text()).toContain('IOE0933333331: send your response by January 30, 2027.');
    expect(action.find('a.usa-button').attr('href')).toBe('/account/cases/IOE0933333331/evidence');
    // Cases: Ana's two visible cases, never Ben's, never the suspended one.
    const cases = $('#home-cases li');
    expect(
      cases
        .find('h3')
        .map((_, h) => $(h).text())
        .get()
        .sort(),
    ).toEqual(['IOE0933333331', 'IOE0933333332']);
    expect($('#home-cases').text()).not.toContain('IOE0933333333');
    expect($('main').text()).not.toContain('IOE0933333334');
    const i765 = cases.filter((_, li) => $(li).find('h3').text() === 'IOE0933333332');
    expect(i765.find('.casedesk-case-summary__status').text()).toContain('Case Was Received');
    expect(i765.find('.casedesk-case-summary__updated').text()).toBe('Last update: September 1, 2026');
    expect(i765.find('a').attr('href')).toBe('/account/cases/IOE0933333332');
    // The Online Account Number and the links of the old home stay.
    expect($('.casedesk-receipt').text().replace(/\s/g, '')).toBe(await oanOf(ana.accountId));
    expect($('a[href="/account/cases"]').length).toBeGreaterThan(0);
    expect($('a[href="/account/profile"]').length).toBeGreaterThan(0);
  });

  it('reads in Spanish', async () => {
    await ana.agent.get('/account?lang=es');
    const $ = ana.agent.$;
    expect($('h1').text()).toBe('Mi cuenta');
    expect($('#greeting').text()).toBe('Le damos la bienvenida, Ana');
    expect($('#action-heading').text()).toBe('Acción requerida');
    expect($('#action-needed').text()).toContain('envíe su respuesta a más tardar el 30 de enero de 2027.');
    expect($('#cases-heading').text()).toBe('Sus casos');
    expect($('#home-cases').text()).toContain('Última actualización: 1 de septiembre de 2026');
    await ana.agent.get('/account?lang=en');
  });

  it('without a name it does not greet by email; with nothing to do it says so; backup codes running out are an action', async () => {
    await ben.agent.get('/account');
    expect(ben.agent.$('#greeting').text()).toBe('Welcome to your account');
    expect(ben.agent.$('#greeting').text()).not.toContain(ben.email);
    expect(ben.agent.$('#action-needed').text()).toContain('Nothing needs your attention right now.');
    const unused = await db()
      .selectFrom('account_backup_codes')
      .select('code_hash')
      .where('account_id', '=', ben.accountId)
      .where('used_at', 'is', null)
      .execute();
    await db()
      .updateTable('account_backup_codes')
      .set({ used_at: t.clock.now() })
      .where('account_id', '=', ben.accountId)
      .where(
        'code_hash',
        'in',
        unused.slice(2).map((c) => c.code_hash),
      )
      .execute();
    await ben.agent.get('/account');
    const action = ben.agent.$('#action-needed');
    expect(action.find('h3').text()).toBe('Get new backup codes');
    expect(action.text()).toContain('Backup codes left: 2.');
    expect(action.find('a[href="/account/two-step"]')).toHaveLength(1);
  });

  it('shows the biometrics appointment an event gives, with its time and place, in both languages', async () => {
    await send([
      caseEvent('home-b2', 'IOE0933333332', 'biometrics_scheduled', at('2026-11-03'), {
        appointmentAt: '2027-03-10T14:30:00Z',
        locationName: 'Application Support Center, Fairfax VA',
      }),
    ]);
    for (const [lang, heading] of [
      ['en', 'Biometrics appointment'],
      ['es', 'Cita de datos biométricos'],
    ] as const) {
      await ana.agent.get(`/account?lang=${lang}`);
      const appointment = ana.agent
        .$('#action-needed li')
        .filter((_, li) => ana.agent.$(li).find('h3').text() === heading);
      expect(appointment).toHaveLength(1);
      expect(appointment.text()).toContain('Application Support Center, Fairfax VA');
      expect(appointment.text()).toContain('2027');
    }
  });

  it("shows a case's next appointment, asked of the cases of the account, with its time and place", async () => {
    const cases = t.services.accountCases;
    const asked: string[] = [];
    const home = new AccountHomeService({
      db: db(),
      accounts: t.services.accounts,
      messages: t.services.secureMessages,
      cases: {
        list: (id) => cases.list(id),
        card: (id, receipt) => cases.card(id, receipt),
        upcomingAppointment: (id, receipt) => {
          asked.push(`${id} ${receipt}`);
          return Promise.resolve(
            receipt === 'IOE0933333332'
              ? {
                  kind: 'biometrics',
                  at: new Date('2026-12-15T14:30:00Z'),
                  locationName: 'Application Support Center, Alexandria VA',
                }
              : undefined,
          );
        },
      },
    });
    const data = (await home.home(ana.accountId))!;
    // Only the cases Ana may see are asked about.
    expect(asked.sort()).toEqual([`${ana.accountId} IOE0933333331`, `${ana.accountId} IOE0933333332`]);
    expect(data.cases.find((c) => c.receiptNumber === 'IOE0933333332')?.appointment?.kind).toBe('biometrics');
    for (const lang of ['en', 'es'] as const) {
      const $ = load(render(data, lang).toString());
      const items = $('#action-needed li');
      // The Request for Evidence first, then the appointment.
      expect(items.first().find('h3').text()).toBe(
        lang === 'en' ? 'Respond to a Request for Evidence' : 'Responda a una Solicitud de Evidencia',
      );
      const appointment = items.eq(1);
      expect(appointment.find('h3').text()).toBe(
        lang === 'en' ? 'Biometrics appointment' : 'Cita de datos biométricos',
      );
      expect(appointment.text()).toContain('Application Support Center, Alexandria VA');
      expect(appointment.find('strong').text()).toBe(
        lang === 'en' ? 'Dec 15, 2026, 9:30 AM' : '15 dic 2026, 9:30 a.m.',
      );
    }
  });

  it("lists unread answers from the agency to the person's messages", () => {
    const data: AccountHome = {
      name: 'Ana',
      email: 'ana@example.com',
      onlineAccountNumber: '123456789012',
      cases: [],
      answered: [
        {
          number: '1042',
          subject: 'My work permit card',
          receiptNumber: 'IOE0933333332',
          at: new Date('2026-11-20T15:00:00Z'),
        },
      ],
    };
    const $ = load(render(data, 'en').toString());
    expect($('#action-needed h3').text()).toBe('New answer to your message Unread');
    expect($('#action-needed a').attr('href')).toBe('/account/messages/1042');
    expect($('#action-needed').text()).toContain('My work permit card (IOE0933333332), November 20, 2026');
    expect($('#home-cases a.usa-button').attr('href')).toBe('/account/cases/add');
  });
});

function render(home: AccountHome, lang: 'en' | 'es') {
  return accountHomePage(
    { lang, t: t.deps.i18n.t(lang), url: '/account', timeZone: t.config.agencyTimeZone },
    { csrf: 'x', idleSeconds: 900, home },
  );
}
