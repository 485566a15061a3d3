import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/harness.js';
import { createStaffMember, signInStaff, type StaffPerson } from '../../../test/staff-support.js';
import { callbackOf, FakeControl, phoneItem, textAheadWith } from '../../../test/text-ahead-support.js';
import { twilioSignature } from '../notifications/index.js';
import type { ServiceItemRow } from '../service-items/index.js';
import { parseReply } from './replies.js';
import { ASK_TTL_MS, type TextAheadService } from './service.js';

const AUTH_TOKEN = 'twilio-test-auth-token-text-ahead';
const PUBLIC_URL = 'https://casedesk.example.gov';
const CB5_EN = (n: number) =>
  `An Immigration Services Officer will be calling you in relation to service item #${String(n)} within the next 30 minutes. If you will be available, please respond "Y". If you will not be available, please respond "N" and an officer will reach out at a later time. If assistance is no longer needed, please respond "Q" for "Quit" and your Service Item will be closed.`;
const CB5_ES = (n: number) =>
  `Un Oficial de Servicios de Inmigración le llamará en relación con el artículo de servicio n.º ${String(n)} en los próximos 30 minutos. Si estará disponible, responda "S". Si no estará disponible, responda "N" y un oficial se comunicará con usted más tarde. Si ya no necesita ayuda, responda "Q" para salir ("Quit") y su artículo de servicio se cerrará.`;
const CB6_Y = 'Thank you for confirming. We will be calling you shortly.';
const CB6_N =
  'Your "No" response has been received. We will attempt to contact you one additional time, which will generally be before the end of the business day.';
const CB6_Y_ES = 'Gracias por confirmar. Le llamaremos en breve.';
const CB6_N_ES =
  'Recibimos su respuesta "No". Intentaremos comunicarnos con usted una vez más, generalmente antes del final del día hábil.';

let t: TestApp;
let control: FakeControl;
let ta: TextAheadService;
let tier1: StaffPerson;
let phoneSerial = 100;
/** A fresh number per test, so that one test's asks never answer another's replies. */
const newPhone = () => `+1202555${String(phoneSerial++).padStart(4, '0')}`;

beforeAll(async () => {
  t = await createTestApp({
    env: {
      SMS_PROVIDER: 'twilio',
      TWILIO_ACCOUNT_SID: 'AC0000',
      TWILIO_AUTH_TOKEN: AUTH_TOKEN,
      TWILIO_FROM: '+12025550000',
      TWILIO_BASE_URL: 'http://127.0.0.1:9',
      CASEDESK_PUBLIC_URL: PUBLIC_URL,
    },
  });
  control = new FakeControl();
  ta = textAheadWith(t, control);
  // The inbound hook asks the app's Text Ahead service, whose callbacks module is the real one once merged:
  // here its replies go to the same service over the fake callbacks module.
  vi.spyOn(t.services.textAhead, 'reply').mockImplementation((phone, body) => ta.reply(phone, body));
  tier1 = await createStaffMember(t, {
    email: 'tia.textahead@agency.example',
    name: 'Tia Tier1',
    roles: ['tier1'],
    ip: '10.16.0.1',
  });
});
afterAll(async () => t?.close());
beforeEach(() => {
  control.calls = [];
});

async function inbound(from: string, body: string) {
  const params = { From: from, Body: body, To: '+12025550000' };
  const url = '/hooks/sms/twilio/inbound';
  const res = await t.app.inject({
    method: 'POST',
    url,
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-twilio-signature': twilioSignature(AUTH_TOKEN, `${PUBLIC_URL}${url}`, params),
    },
    payload: new URLSearchParams(params).toString(),
  });
  expect(res.statusCode).toBe(200);
  const match = /<Message>([\s\S]*)<\/Message>/.exec(res.body);
  return match ? match[1]!.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&') : '';
}

/** An item whose customer agreed to Text Ahead at `phone`. */
async function consentedItem(phone: string, language: 'en' | 'es' = 'en'): Promise<ServiceItemRow> {
  const item = await phoneItem(t, { language, contact: { name: 'Ana Caller', email: '', phone } });
  const consent = await ta.consent({ itemId: item.id, phone, language, channel: 'voice_assistant' });
  expect(consent).toEqual({ ok: true, phone });
  return item;
}

const askRows = (itemId: string) =>
  t.deps.database.db.selectFrom('text_ahead_asks').selectAll().where('item_id', '=', itemId).execute();

const messageBody = async (id: string | null) =>
  (
    await t.deps.database.db
      .selectFrom('notification_messages')
      .select(['body', 'recipient', 'template'])
      .where('id', '=', id!)
      .executeTakeFirstOrThrow()
  ).body;

describe('Text Ahead: the text before a callback (CB-5)', () => {
  it('texts the exact CB-5 text with the item number to the consented number, in English or Spanish', async () => {
    const phone = newPhone();
    const item = await consentedItem(phone);
    expect(await ta.askBeforeCall(callbackOf(item, [phone]))).toBeInstanceOf(Date);
    const [ask] = await askRows(item.id);
    expect(ask?.phone).toBe(phone);
    expect(await messageBody(ask!.message_id)).toBe(CB5_EN(Number(item.number)));
    expect(ask!.expires_at.getTime() - ask!.sent_at.getTime()).toBe(ASK_TTL_MS);

    const spanishPhone = newPhone();
    const spanish = await consentedItem(spanishPhone, 'es');
    expect(await ta.askBeforeCall(callbackOf(spanish, [spanishPhone], 'es'))).toBeInstanceOf(Date);
    const [esAsk] = await askRows(spanish.id);
    expect(await messageBody(esAsk!.message_id)).toBe(CB5_ES(Number(spanish.number)));
  });

  it('sends nothing without consent for that item and number, or after the consent is withdrawn', async () => {
    const phone = newPhone();
    const item = await phoneItem(t);
    expect(await ta.askBeforeCall(callbackOf(item, [phone]))).toBeUndefined();
    // Consent is per item: another item's consent at the same number does not count.
    await consentedItem(phone);
    expect(await ta.askBeforeCall(callbackOf(item, [phone]))).toBeUndefined();
    // Consent is per number: the callback's first number without consent is skipped for the agreed one.
    const other = newPhone();
    expect((await ta.consent({ itemId: item.id, phone: other, language: 'en', channel: 'agent' })).ok).toBe(true);
    expect(await ta.askBeforeCall(callbackOf(item, [phone, other]))).toBeInstanceOf(Date);
    expect((await askRows(item.id))[0]?.phone).toBe(other);
    const second = await phoneItem(t);
    await ta.consent({ itemId: second.id, phone: other, language: 'en', channel: 'agent' });
    expect(await ta.withdraw(second.id, other, null)).toBe(true);
    expect(await ta.askBeforeCall(callbackOf(second, [other]))).toBeUndefined();
  });

  it('refuses a bad number and a second standing consent, and answers true while a callback already waits', async () => {
    const item = await phoneItem(t);
    expect(await ta.consent({ itemId: item.id, phone: '12', language: 'en', channel: 'agent' })).toEqual({
      ok: false,
      problem: 'phone_invalid',
    });
    const phone = newPhone();
    // Typed the way people type it: stored as E.164.
    const typed = `(${phone.slice(2, 5)}) ${phone.slice(5, 8)}-${phone.slice(8)}`;
    expect(await ta.consent({ itemId: item.id, phone: typed, language: 'en', channel: 'agent' })).toEqual({
      ok: true,
      phone,
    });
    expect((await ta.consent({ itemId: item.id, phone, language: 'en', channel: 'agent' })).ok).toBe(false);
    const cb = callbackOf(item, [phone]);
    expect(await ta.askBeforeCall(cb)).toBeInstanceOf(Date);
    expect(await ta.askBeforeCall(cb)).toBeInstanceOf(Date);
    expect(await askRows(item.id)).toHaveLength(1);
  });
});

describe('Text Ahead: replies (CB-6), through the inbound SMS hook', () => {
  it('Y confirms, N declines, Q quits: each with the exact answer, each for its own callback', async () => {
    for (const [word, method, text] of [
      ['Y', 'confirmed', CB6_Y],
      ['n', 'declined', CB6_N],
      ['q', 'quit', null],
    ] as const) {
      const phone = newPhone();
      const item = await consentedItem(phone);
      const cb = callbackOf(item, [phone]);
      await ta.askBeforeCall(cb);
      const answer = await inbound(phone, word);
      if (text) expect(answer).toBe(text);
      else expect(answer).toContain(`#${String(item.number)}`);
      expect(control.calls.map((c) => [c.method, c.callbackId])).toEqual([[method, cb.callbackId]]);
      const [ask] = await askRows(item.id);
      expect(ask?.answer).toBe(word.toUpperCase());
      control.calls = [];
      // The ask is answered: the same reply again finds nothing waiting, and changes nothing.
      expect(await inbound(phone, word)).toContain('Nothing from us is waiting');
      expect(control.calls).toEqual([]);
    }
  });

  it('understands Spanish answers in any case, with accents, punctuation and emoji, and answers in Spanish', async () => {
    for (const [body, method, text] of [
      ['Sí 👍', 'confirmed', CB6_Y_ES],
      ['  si!! ', 'confirmed', CB6_Y_ES],
      ['S', 'confirmed', CB6_Y_ES],
      ['No.', 'declined', CB6_N_ES],
      ['SALIR', 'quit', null],
    ] as const) {
      const phone = newPhone();
      const item = await consentedItem(phone, 'es');
      const cb = callbackOf(item, [phone], 'es');
      await ta.askBeforeCall(cb);
      const answer = await inbound(phone, body);
      if (text) expect(answer).toBe(text);
      else expect(answer).toContain('se ha cerrado');
      expect(control.calls.map((c) => [c.method, c.callbackId])).toEqual([[method, cb.callbackId]]);
      control.calls = [];
    }
  });

  it('an item number in the reply picks its ask; without one the latest open ask; otherwise a clarifying text', async () => {
    const phone = newPhone();
    const first = await consentedItem(phone);
    const second = await consentedItem(phone);
    const cb1 = callbackOf(first, [phone]);
    const cb2 = callbackOf(second, [phone]);
    await ta.askBeforeCall(cb1);
    t.clock.advance(60_000);
    await ta.askBeforeCall(cb2);
    // Names the first (older) item: that one, and the answer says the other still waits.
    const answer = await inbound(phone, `#${String(first.number)} y`);
    expect(answer.startsWith(CB6_Y)).toBe(true);
    expect(answer).toContain(`#${String(second.number)}`);
    expect(control.calls.map((c) => c.callbackId)).toEqual([cb1.callbackId]);
    control.calls = [];
    // A number that is not waiting: nothing happens, and the text lists what is waiting.
    const unknown = await inbound(phone, 'N 99999999');
    expect(unknown).toContain('#99999999 is not waiting');
    expect(unknown).toContain(`#${String(second.number)}`);
    // Not an answer: a clarifying text.
    expect(await inbound(phone, 'who is this?')).toContain('We could not tell what your reply means');
    expect(await inbound(phone, 'Y N')).toContain('We could not tell');
    expect(control.calls).toEqual([]);
    // No number: the latest open ask.
    expect(await inbound(phone, 'no')).toBe(CB6_N);
    expect(control.calls.map((c) => [c.method, c.callbackId])).toEqual([['declined', cb2.callbackId]]);
  });

  it('keeps STOP, HELP and START working: a STOP’d number gets no ask, and YES means yes only to a waiting ask', async () => {
    const phone = newPhone();
    const item = await consentedItem(phone);
    await ta.askBeforeCall(callbackOf(item, [phone]));
    expect(await inbound(phone, 'HELP')).not.toBe('');
    expect(control.calls).toEqual([]);
    expect(await inbound(phone, 'STOP')).toMatch(/stop|no more/i);
    expect(control.calls).toEqual([]);
    // A number that replied STOP: no text, askBeforeCall says so, and the consent form refuses it.
    const next = await phoneItem(t);
    await t.deps.database.db
      .insertInto('text_ahead_consents')
      .values({
        id: t.deps.random.uuid(),
        item_id: next.id,
        phone,
        language: 'en',
        channel: 'agent',
        given_by: null,
        given_at: t.clock.now(),
        withdrawn_at: null,
        withdrawn_by: null,
      })
      .execute();
    expect(await ta.askBeforeCall(callbackOf(next, [phone]))).toBeUndefined();
    expect((await ta.consent({ itemId: next.id, phone, language: 'en', channel: 'agent' })).ok).toBe(false);
    // "YES" from a number that replied STOP is START (as before), not an answer.
    expect(await inbound(phone, 'YES')).toMatch(/again/i);
    expect(control.calls).toEqual([]);
    // Once started again, a waiting ask takes YES as Y.
    expect(await ta.askBeforeCall(callbackOf(next, [phone]))).toBeInstanceOf(Date);
    expect(await inbound(phone, 'Yes')).toContain(CB6_Y);
    expect(control.calls.map((c) => c.method)).toEqual(['confirmed']);
    // A number that never got an ask: START and other texts answer as before.
    const stranger = newPhone();
    expect(await inbound(stranger, 'y')).toBe('');
    expect(await inbound(stranger, 'START')).toMatch(/again/i);
  });

  it('gives the answer back when the callbacks module fails, so the reply can be sent again', async () => {
    const phone = newPhone();
    const item = await consentedItem(phone);
    const cb = callbackOf(item, [phone]);
    await ta.askBeforeCall(cb);
    control.failNext = true;
    await expect(ta.reply(phone, 'Y')).rejects.toThrow('callbacks refused');
    expect((await askRows(item.id))[0]?.answered_at).toBeNull();
    expect(await ta.reply(phone, 'Y')).toBe(CB6_Y);
  });
});

describe('Text Ahead: no reply within one hour (CB-6)', () => {
  it('expires the ask after its hour (fake clock), counts it as an attempt once, and answers a late reply', async () => {
    const phone = newPhone();
    const item = await consentedItem(phone);
    const cb = callbackOf(item, [phone]);
    await ta.askBeforeCall(cb);
    const [ask] = await askRows(item.id);
    t.clock.advance(ASK_TTL_MS - 1000);
    expect(await ta.expireAsk(ask!.id)).toBe('not_due');
    expect(control.calls).toEqual([]);
    t.clock.advance(1000);
    // At the hour the ask no longer takes answers.
    expect(await inbound(phone, 'Y')).toContain('Nothing from us is waiting');
    expect(control.calls).toEqual([]);
    expect(await ta.expireAsk(ask!.id)).toBe('expired');
    expect(control.calls.map((c) => [c.method, c.callbackId])).toEqual([['noReply', cb.callbackId]]);
    // The job may run twice: the attempt counts once.
    expect(await ta.expireAsk(ask!.id)).toBe('ignored');
    expect(control.calls).toHaveLength(1);
    expect((await askRows(item.id))[0]?.expired_at).not.toBeNull();
    // The second attempt (the callbacks module asks again): a new ask, answered in time.
    await ta.askBeforeCall(cb);
    expect(await inbound(phone, 'Y')).toBe(CB6_Y);
    expect(control.calls.map((c) => c.method)).toEqual(['noReply', 'confirmed']);
  });

  it('an answered ask is not expired', async () => {
    const phone = newPhone();
    const item = await consentedItem(phone);
    await ta.askBeforeCall(callbackOf(item, [phone]));
    await inbound(phone, 'N');
    t.clock.advance(ASK_TTL_MS + 1);
    const [ask] = await askRows(item.id);
    expect(await ta.expireAsk(ask!.id)).toBe('ignored');
    expect(control.calls.map((c) => c.method)).toEqual(['declined']);
  });
});

describe('reading replies', () => {
  it('takes Y, N, Q and Spanish words with numbers anywhere, and nothing else', () => {
    expect(parseReply('Y 27775186')).toMatchObject({ kind: 'answer', answer: 'Y', itemNumber: 27775186 });
    expect(parseReply('#27775186 N')).toMatchObject({ kind: 'answer', answer: 'N', itemNumber: 27775186 });
    expect(parseReply('27775186-q')).toMatchObject({ kind: 'answer', answer: 'Q', itemNumber: 27775186 });
    expect(parseReply('¡SÍ!')).toMatchObject({ kind: 'answer', answer: 'Y', spanish: true });
    expect(parseReply('salir')).toMatchObject({ kind: 'answer', answer: 'Q', spanish: true });
    expect(parseReply('y y')).toMatchObject({ kind: 'answer', answer: 'Y' });
    for (const unclear of ['', '👍', 'yes but later', 'Y N', 'Y 1 2', 'okay', 'please', 'thank you', 'yes please no'])
      expect(parseReply(unclear).kind).toBe('unclear');
  });

  it('reads the replies people really send: courtesy words, punctuation, any case (CB-6)', () => {
    const cases: [string, 'Y' | 'N' | 'Q', boolean][] = [
      ['Yes please', 'Y', false],
      ['yes!', 'Y', false],
      ['YES PLEASE!!', 'Y', false],
      ['Yeah', 'Y', false],
      ['Sí, por favor', 'Y', true],
      ['si por favor 👍', 'Y', true],
      ['No thanks', 'N', false],
      ['no thank you.', 'N', false],
      ['no gracias', 'N', true],
      ['NO, GRACIAS', 'N', true],
      ['Nope', 'N', false],
      ['quit.', 'Q', false],
      ['please quit', 'Q', false],
      ['Q, gracias', 'Q', true],
    ];
    for (const [body, answer, spanish] of cases)
      expect(parseReply(body), body).toMatchObject({ kind: 'answer', answer, spanish });
    expect(parseReply('Yes please #27775186')).toMatchObject({ kind: 'answer', answer: 'Y', itemNumber: 27775186 });
  });

  it('QUIT alone stays the carriers’ opt-out (STOP, heard first by the inbound hook); a QUIT it lets through is Q', async () => {
    for (const body of ['QUIT', 'quit', ' Quit ', 'quit please']) {
      const phone = newPhone();
      const item = await consentedItem(phone);
      await ta.askBeforeCall(callbackOf(item, [phone]));
      const before = control.calls.length;
      expect(await inbound(phone, body)).toMatch(/stop|no more/i);
      expect(control.calls.length, body).toBe(before);
      expect((await askRows(item.id))[0]?.answered_at, body).toBeNull();
      expect(
        await t.deps.database.db.selectFrom('sms_opt_outs').select('phone').where('phone', '=', phone).execute(),
      ).toHaveLength(1);
    }
    const phone = newPhone();
    const item = await consentedItem(phone);
    const cb = callbackOf(item, [phone]);
    await ta.askBeforeCall(cb);
    expect(await inbound(phone, 'Quit.')).toContain(String(item.number));
    expect(control.calls.map((c) => [c.method, c.callbackId])).toContainEqual(['quit', cb.callbackId]);
    expect((await askRows(item.id))[0]?.answer).toBe('Q');
  });
});

describe('the agent console: recording the customer’s agreement', () => {
  it('links from the item page, asks for the tick, checks the number, records and withdraws (audited)', async () => {
    const item = await phoneItem(t);
    // The other tests moved the clock by hours: a fresh sign-in (sessions end after 15 idle minutes).
    const agent = await signInStaff(t, tier1, '10.16.0.2');
    await agent.get(`/agent/items/${String(item.number)}`);
    const link = agent.$(`a[href="/agent/items/${String(item.number)}/text-ahead"]`);
    expect(link).toHaveLength(1);
    const page = await agent.get(`/agent/items/${String(item.number)}/text-ahead`);
    expect(page.statusCode).toBe(200);
    expect(agent.$('#phone').val()).toBe('+12025550143');
    let res = await agent.post(`/agent/items/${String(item.number)}/text-ahead`, {
      phone: '202-555-0199',
      language: 'es',
    });
    expect(res.statusCode).toBe(400);
    expect(agent.$('#error-summary a[href="#agreed"]')).toHaveLength(1);
    res = await agent.post(`/agent/items/${String(item.number)}/text-ahead`, {
      phone: 'not a phone',
      language: 'es',
      agreed: 'yes',
    });
    expect(res.statusCode).toBe(400);
    expect(agent.$('#phone').attr('aria-invalid')).toBe('true');
    res = await agent.post(`/agent/items/${String(item.number)}/text-ahead`, {
      phone: '202-555-0199',
      language: 'es',
      agreed: 'yes',
    });
    expect(res.statusCode).toBe(303);
    await agent.get(res.headers.location as string);
    expect(agent.$('.usa-alert--success').text()).toContain('agreement is recorded');
    expect(agent.$('table').first().text()).toContain('+12025550199');
    const consents = await t.deps.database.db
      .selectFrom('text_ahead_consents')
      .selectAll()
      .where('item_id', '=', item.id)
      .execute();
    expect(consents).toMatchObject([
      { phone: '+12025550199', language: 'es', channel: 'agent', given_by: tier1.accountId },
    ]);
    res = await agent.post(`/agent/items/${String(item.number)}/text-ahead/withdraw`, { phone: '+12025550199' });
    expect(res.statusCode).toBe(303);
    const audits = await t.deps.database.db
      .selectFrom('audit_log')
      .select('action')
      .where('subject_id', '=', item.id)
      .where('action', 'like', 'text_ahead.%')
      .execute();
    expect(audits.map((a) => a.action).sort()).toEqual(['text_ahead.consent_recorded', 'text_ahead.consent_withdrawn']);
    expect(await ta.askBeforeCall(callbackOf(item, ['+12025550199']))).toBeUndefined();
  });

  it('shows the page in Spanish and answers 404 for an item that does not exist', async () => {
    const item = await phoneItem(t);
    const agent = await signInStaff(t, tier1, '10.16.0.3');
    await agent.get(`/agent/items/${String(item.number)}/text-ahead?lang=es`);
    expect(agent.$('h1').text()).toContain('Text Ahead del artículo de servicio');
    await agent.get(`/agent/items/${String(item.number)}/text-ahead?lang=en`);
    expect((await agent.get('/agent/items/999999999/text-ahead')).statusCode).toBe(404);
  });

  it('offers no Text Ahead for a Section 1367 item and says why (Tier 3; both languages); the POST saves nothing', async () => {
    const item = await phoneItem(t, { section1367: true });
    const tier3 = await createStaffMember(t, {
      email: 'tre.textahead@agency.example',
      name: 'Tre Tier3',
      roles: ['tier3'],
      ip: '10.16.0.4',
    });
    const agent = await signInStaff(t, tier3, '10.16.0.4');
    await agent.get(`/agent/items/${String(item.number)}/text-ahead`);
    expect(agent.$('form[action$="/text-ahead"]')).toHaveLength(0);
    expect(agent.$('.usa-alert--info').text()).toContain('Section 1367');
    await agent.get(`/agent/items/${String(item.number)}/text-ahead?lang=es`);
    expect(agent.$('.usa-alert--info').text()).toContain('Sección 1367');
    const res = await agent.post(`/agent/items/${String(item.number)}/text-ahead`, {
      phone: '202-555-0198',
      language: 'en',
      agreed: 'yes',
    });
    expect(res.statusCode).toBe(403);
    const rows = await t.deps.database.db
      .selectFrom('text_ahead_consents')
      .select('id')
      .where('item_id', '=', item.id)
      .execute();
    expect(rows).toEqual([]);
  });
});
