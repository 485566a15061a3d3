import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lastMessage, onlineAccountNumber, signUpApplicant, type Applicant } from '../../../test/accounts-support.js';
import { createStaffMember } from '../../../test/staff-support.js';
import { apiGet, apiToken, caseEvent, createTestApp, postCaseEvents, type TestApp } from '../../../test/harness.js';

/** Issue 17 point 4, COA-1 to COA-3: one change of address for every case of an account, with a status per case. */

let t: TestApp;
let events: string;
let feedToken: string;
let ana: Applicant;
let ben: Applicant;
let carla: Applicant;
const at = (d: string) => `${d}T15:00:00Z`;
const db = () => t.deps.database.db;
const ANA_CASES = ['IOE0917000001', 'IOE0917000002', 'IOE0917000003'];

async function send(list: unknown[]) {
  const res = await postCaseEvents(t, list, events);
  expect(res.statusCode, res.body).toBe(200);
  return JSON.parse(res.body) as { accepted: number };
}

const applicant = { dateOfBirth: '1985-04-12', familyName: 'Pérez', aNumber: 'A012345679' };
const filed = (id: string, receipt: string, oan: string, formCode = 'I-485') =>
  caseEvent(id, receipt, 'case_received', at('2026-09-01'), {
    formCode,
    channel: 'online',
    onlineAccountNumber: oan,
    applicant,
  });

/** The form's fields for a U.S. mailing address, physical the same. */
const form = (over: Record<string, string> = {}) => ({
  m_kind: 'us',
  m_in_care_of: 'Rosa Díaz',
  m_street: '500 Main St',
  m_unit: 'Apt 2',
  m_city: 'Buffalo',
  m_state: 'NY',
  m_zip: '14202-1234',
  p_kind: 'us',
  same: 'yes',
  ...over,
});

beforeAll(async () => {
  t = await createTestApp();
  events = (await apiToken(t, ['case_events:write'])).token;
  feedToken = (await apiToken(t, ['address_changes:read'])).token;
  ana = await signUpApplicant(t, 'ana.coa@example.com', '10.17.0.1');
  ben = await signUpApplicant(t, 'ben.coa@example.com', '10.17.0.2', 'es');
  carla = await signUpApplicant(t, 'carla.coa@example.com', '10.17.0.3');
  const anaOan = await onlineAccountNumber(t, ana.accountId);
  await send([
    ...ANA_CASES.map((r, i) => filed(`coa-a${i}`, r, anaOan, ['I-485', 'I-765', 'I-131'][i])),
    filed('coa-b1', 'IOE0917000011', await onlineAccountNumber(t, ben.accountId)),
    caseEvent('coa-b2', 'IOE0917000011', 'protection_updated', at('2026-10-01'), { section1367: true }),
    filed('coa-c1', 'IOE0917000021', await onlineAccountNumber(t, carla.accountId)),
    filed('coa-c2', 'IOE0917000022', anaOan),
  ]);
  // Carla also holds one of Ana's cases as her representative: her change never touches it.
  const rep = await db()
    .selectFrom('cases')
    .select('id')
    .where('receipt_number', '=', 'IOE0917000022')
    .executeTakeFirstOrThrow();
  await db()
    .insertInto('account_cases')
    .values({
      account_id: carla.accountId,
      case_id: rep.id,
      relationship: 'representative',
      added_via: 'online_access_code',
      added_at: t.clock.now(),
    })
    .execute();
});
afterAll(async () => t?.close());

describe('changing the address of every case at once (COA-2, COA-3)', () => {
  let changeId: string;

  it('shows the cases a change applies to, and no history yet; the account menu links to it', async () => {
    const res = await ana.agent.get('/account/address');
    expect(res.statusCode).toBe(200);
    const $ = ana.agent.$;
    expect($('h1').text()).toBe('Your addresses');
    expect($('#address-cases li').length).toBe(4);
    expect($('#current-addresses').text()).toContain('You have not changed your address online yet');
    expect($('#address-history').text()).toContain('No change of address yet.');
    expect($('nav a[href="/account/address"]').length).toBeGreaterThan(0);
    await ana.agent.get('/account');
    expect(ana.agent.$('main a[href="/account/address"]').text()).toContain('Change your address');
  });

  it('refuses a ZIP code of another state, with the error summary linking to the field', async () => {
    await ana.agent.get('/account/address/change');
    expect(ana.agent.$('#m_zip').length).toBe(1);
    const res = await ana.agent.post('/account/address/change', form({ m_state: 'CA' }));
    expect(res.statusCode).toBe(400);
    const $ = ana.agent.$;
    expect($('#error-summary a[href="#m_zip"]').text()).toBe(
      'This ZIP code is not in the state you selected: check both',
    );
    expect($('#m_zip').attr('aria-invalid')).toBe('true');
    expect($('#m_street').val()).toBe('500 Main St');
    expect(await db().selectFrom('address_changes').select('id').execute()).toEqual([]);
  });

  it('refuses a military mailing address as the physical one, and a foreign physical address naming the United States', async () => {
    await ana.agent.get('/account/address/change');
    const military = form({
      m_kind: 'military',
      m_street: 'PSC 1234, Box 5678',
      m_city: 'APO',
      m_state: 'AE',
      m_zip: '09012',
    });
    expect((await ana.agent.post('/account/address/change', military)).statusCode).toBe(400);
    expect(ana.agent.$('#error-summary a[href="#same"]').length).toBe(1);
    await ana.agent.get('/account/address/change');
    const abroad = form({ same: '', p_kind: 'foreign', p_street: '1 Elm', p_city: 'Austin', p_country: 'USA' });
    expect((await ana.agent.post('/account/address/change', abroad)).statusCode).toBe(400);
    expect(ana.agent.$('#error-summary a[href="#p_country"]').length).toBe(1);
  });

  it('shows the answers to check, goes back to the form with them, then sends the change to every case', async () => {
    await ana.agent.get('/account/address/change');
    const physical = {
      same: '',
      p_kind: 'foreign',
      p_street: 'Calle 5 #12',
      p_city: 'Monterrey',
      p_region: 'NL',
      p_country: 'Mexico',
    };
    let res = await ana.agent.post('/account/address/change', form(physical));
    expect(res.statusCode).toBe(200);
    let $ = ana.agent.$;
    expect($('h1').text()).toBe('Check your answers');
    expect($('#check-mailing').text()).toContain('C/O Rosa Díaz');
    expect($('#check-mailing').text()).toContain('Buffalo, NY 14202-1234');
    expect($('#check-physical').text()).toContain('Mexico');
    expect(
      $('#check-cases li')
        .map((_, li) => $(li).text())
        .get(),
    ).toEqual([...ANA_CASES, 'IOE0917000022']);
    // "Change": the form again, filled in.
    res = await ana.agent.post('/account/address/confirm', { ...form(physical), action: 'change' });
    expect(res.statusCode).toBe(200);
    expect(ana.agent.$('#p_city').val()).toBe('Monterrey');
    res = await ana.agent.post('/account/address/change', form(physical));
    res = await ana.agent.post('/account/address/confirm', { ...form(physical), action: 'submit' });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toMatch(/^\/account\/address\?sent=/);
    changeId = String(res.headers.location).split('=')[1]!;
    await ana.agent.get(String(res.headers.location));
    $ = ana.agent.$;
    expect($('.usa-alert--success').text()).toContain('It applies to 4 cases.');
    expect($('#current-addresses').text()).toContain('Buffalo, NY 14202-1234');
    const statuses = $(`#change-${changeId} tr[data-receipt]`)
      .map((_, tr) => `${$(tr).attr('data-receipt')} ${$(tr).find('[data-status]').attr('data-status')}`)
      .get();
    expect(statuses).toEqual([...ANA_CASES, 'IOE0917000022'].map((r) => `${r} submitted`));
    const mail = await lastMessage(t, ana.email, 'address_change_received');
    expect(mail?.subject).toBe('We received your change of address');
    expect(mail?.body).toContain(ANA_CASES.join(', '));
  });

  it('gives the change to agency systems with the right scope only (401 without a token, 403 with another scope)', async () => {
    const none = await t.app.inject({ method: 'GET', url: '/api/v1/address-changes' });
    expect(none.statusCode).toBe(401);
    const other = (await apiToken(t, ['case_status:read'])).token;
    expect((await apiGet(t, '/api/v1/address-changes', other)).statusCode).toBe(403);
    expect((await apiGet(t, '/api/v1/address-changes?after=abc', feedToken)).statusCode).toBe(400);
    const res = await apiGet(t, '/api/v1/address-changes?limit=2', feedToken);
    expect(res.statusCode, res.body).toBe(200);
    const page = JSON.parse(res.body) as {
      changes: { cursor: string; id: string; receiptNumber: string }[];
      next?: string;
    };
    expect(page.changes.map((c) => c.receiptNumber)).toEqual(ANA_CASES.slice(0, 2));
    expect(page.next).toBe(page.changes[1]!.cursor);
    const rest = JSON.parse((await apiGet(t, `/api/v1/address-changes?after=${page.next}`, feedToken)).body) as {
      changes: {
        id: string;
        receiptNumber: string;
        mailingAddress: Record<string, string>;
        physicalAddress: Record<string, string>;
        requestedAt: string;
        status: string;
      }[];
      next?: string;
    };
    expect(rest.next).toBeUndefined();
    expect(rest.changes[0]).toMatchObject({
      id: changeId,
      receiptNumber: ANA_CASES[2],
      mailingAddress: {
        kind: 'us',
        inCareOf: 'Rosa Díaz',
        street: '500 Main St',
        unit: 'Apt 2',
        city: 'Buffalo',
        state: 'NY',
        zip: '14202-1234',
      },
      physicalAddress: { kind: 'foreign', city: 'Monterrey', country: 'Mexico' },
      requestedAt: t.clock.now().toISOString(),
      status: 'recorded',
    });
    await ana.agent.get('/account/address');
    expect(ana.agent.$('[data-status=recorded]').length).toBe(4);
  });

  it('sets each case confirmed or failed from the agency answer events, shown in both languages, with an email for the failure', async () => {
    const answer = (id: string, receipt: string, accepted: boolean, reason?: string) =>
      caseEvent(id, receipt, 'address_change_recorded', at('2026-11-23'), {
        changeId,
        accepted,
        ...(reason ? { reason } : {}),
      });
    const bad = await postCaseEvents(
      t,
      [
        caseEvent('coa-x', ANA_CASES[0]!, 'address_change_recorded', at('2026-11-23'), {
          changeId: 'nope',
          accepted: 'yes',
        }),
      ],
      events,
    );
    expect(bad.statusCode).toBe(422);
    expect(bad.body).toContain('payload.changeId');
    expect(bad.body).toContain('payload.accepted');
    await send([
      answer('coa-r1', ANA_CASES[0]!, true),
      answer('coa-r2', ANA_CASES[1]!, false, 'The case is closed; file Form AR-11.'),
      answer('coa-r3', ANA_CASES[2]!, true),
    ]);
    await ana.agent.get('/account/address');
    const $ = ana.agent.$;
    const status = (r: string) => $(`#change-${changeId} tr[data-receipt=${r}] [data-status]`).attr('data-status');
    expect(ANA_CASES.map(status)).toEqual(['confirmed', 'failed', 'confirmed']);
    expect(status('IOE0917000022')).toBe('recorded');
    expect($(`tr[data-receipt=${ANA_CASES[1]}]`).text()).toContain('Reason: The case is closed; file Form AR-11.');
    expect($(`tr[data-receipt=${ANA_CASES[0]}]`).text()).toContain('Confirmed on the case');
    await ana.agent.get('/account/address?lang=es');
    expect(ana.agent.$('h1').text()).toBe('Sus direcciones');
    expect(ana.agent.$(`tr[data-receipt=${ANA_CASES[1]}]`).text()).toContain('No registrado');
    expect(ana.agent.$(`tr[data-receipt=${ANA_CASES[0]}]`).text()).toContain('Confirmado en el caso');
    const failed = await lastMessage(t, ana.email, 'address_change_failed');
    expect(failed?.subject).toBe(`Your change of address was not recorded on case ${ANA_CASES[1]}`);
    expect(failed?.body).toContain('The case is closed; file Form AR-11.');
    // An answer older than the one recorded changes nothing; an answer for another case's change changes nothing.
    await send([
      caseEvent('coa-r4', ANA_CASES[1]!, 'address_change_recorded', at('2026-11-20'), { changeId, accepted: true }),
      caseEvent('coa-r5', 'IOE0917000021', 'address_change_recorded', at('2026-11-23'), { changeId, accepted: true }),
    ]);
    const rows = await db()
      .selectFrom('address_change_cases')
      .select(['receipt_number', 'status'])
      .orderBy('seq')
      .execute();
    expect(rows.map((r) => r.status)).toEqual(['confirmed', 'failed', 'confirmed', 'recorded']);
  });

  it("shows the case's address history with its status there in the agent console, once the caller is verified", async () => {
    const tier1 = await createStaffMember(t, {
      email: 'tina.coa@agency.example',
      name: 'Tina Tier1',
      roles: ['tier1'],
      ip: '10.17.0.9',
    });
    await tier1.agent.get('/agent/new');
    const logged = await tier1.agent.post('/agent/new', {
      channel: 'phone',
      type: 'case_status',
      name: 'Ana Pérez',
      email: 'ana.coa@example.com',
      phone: '',
      language: 'en',
      receipt_number: ANA_CASES[1]!,
      subject: 'My new address',
      description: 'Asks why the address was not recorded.',
    });
    expect(logged.statusCode).toBe(303);
    const path = `/agent/items/${String(logged.headers.location).split('=')[1]!}`;
    await tier1.agent.get(path);
    expect(tier1.agent.$('#address-history-heading').length).toBe(0);
    const verified = await tier1.agent.post(`${path}/verify`, {
      caller_role: 'applicant',
      answer_date_of_birth: '1985-04-12',
      answer_family_name: 'perez',
      answer_a_number: 'A012345679',
    });
    expect(verified.headers.location).toBe(`${path}?done=verify`);
    await tier1.agent.get(path);
    const $ = tier1.agent.$;
    expect($('#address-history-heading').text()).toBe('Address history');
    const row = $('#address-history-heading').next('table').find('tbody tr');
    expect(row.length).toBe(1);
    expect(row.text()).toContain('500 Main St Apt 2');
    expect(row.text()).toContain('Monterrey');
    expect(row.text()).toContain('Not recorded');
    expect(row.text()).toContain('The case is closed; file Form AR-11.');
  });

  it('renders the form and the check page in Spanish', async () => {
    await ana.agent.get('/account/address/change?lang=es');
    expect(ana.agent.$('h1').text()).toBe('Cambiar su dirección');
    expect(ana.agent.$('label[for=m_zip]').text()).toBe('Código postal (ZIP)');
    expect((await ana.agent.post('/account/address/change', form({ m_zip: '1' }))).statusCode).toBe(400);
    expect(ana.agent.$('#error-summary').text()).toContain('Escriba un código postal de 5 dígitos');
  });
});

describe('who may use it (COA-1) and what a representative changes', () => {
  it('does not offer it to an account holding a Section 1367 case, and refuses its POST', async () => {
    const res = await ben.agent.get('/account/address');
    expect(res.statusCode).toBe(200);
    const $ = ben.agent.$;
    expect($('main').text()).toContain('Cambie su dirección con el Centro de Contacto');
    expect($('main').text()).toContain('800-375-5283');
    expect($('main form[action^="/account/address"]').length).toBe(0);
    expect($('main a[href="/account/address/change"]').length).toBe(0);
    await ben.agent.get('/account/address/change');
    expect(ben.agent.$('main form[action^="/account/address"]').length).toBe(0);
    for (const url of ['/account/address/change', '/account/address/confirm']) {
      const post = await ben.agent.post(url, { ...form(), action: 'submit' });
      expect(post.statusCode).toBe(403);
      expect(ben.agent.$('main').text()).toContain('no se puede hacer en línea');
    }
    const rows = await db()
      .selectFrom('address_changes')
      .select('id')
      .where('account_id', '=', ben.accountId)
      .execute();
    expect(rows).toEqual([]);
  });

  it("changes a representative's own address only: the case held as a representative is excluded, and the page says so", async () => {
    await carla.agent.get('/account/address');
    const $ = carla.agent.$;
    expect(
      $('#address-cases li')
        .map((_, li) => $(li).text())
        .get(),
    ).toEqual(['IOE0917000021 (I-485)']);
    expect($('#address-cases').text()).toContain('The case you hold as a representative is not changed');
    await carla.agent.get('/account/address/change');
    await carla.agent.post('/account/address/change', form({ m_in_care_of: '' }));
    expect(
      carla.agent
        .$('#check-cases li')
        .map((_, li) => carla.agent.$(li).text())
        .get(),
    ).toEqual(['IOE0917000021']);
    const res = await carla.agent.post('/account/address/confirm', { ...form({ m_in_care_of: '' }), action: 'submit' });
    expect(res.statusCode).toBe(303);
    const rows = await db()
      .selectFrom('address_change_cases as k')
      .innerJoin('address_changes as c', 'c.id', 'k.change_id')
      .select('k.receipt_number')
      .where('c.account_id', '=', carla.accountId)
      .execute();
    expect(rows.map((r) => r.receipt_number)).toEqual(['IOE0917000021']);
  });

  it('is offered to a representative of a Section 1367 applicant: COA-1 excludes the applicants, not those who represent them', async () => {
    const protectedCase = await db()
      .selectFrom('cases')
      .select('id')
      .where('receipt_number', '=', 'IOE0917000011')
      .executeTakeFirstOrThrow();
    await db()
      .insertInto('account_cases')
      .values({
        account_id: carla.accountId,
        case_id: protectedCase.id,
        relationship: 'representative',
        added_via: 'online_access_code',
        added_at: t.clock.now(),
      })
      .execute();
    await carla.agent.get('/account/address');
    expect(carla.agent.$('main a[href="/account/address/change"]').length).toBe(1);
    await carla.agent.get('/account/address/change');
    expect(carla.agent.$('main form[action^="/account/address"]').length).toBeGreaterThan(0);
  });
});
