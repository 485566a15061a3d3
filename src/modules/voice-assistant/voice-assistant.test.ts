import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../app.js';
import { createDeps } from '../../deps.js';
import { createServices } from '../../services.js';
import { FakeClock } from '../../platform/clock.js';
import { createLogger } from '../../platform/logging.js';
import { openTestDatabase, testConfig, type TestApp } from '../../../test/harness.js';
import { TestAgent } from '../../../test/agent.js';
import { createStaffMember, type StaffPerson } from '../../../test/staff-support.js';
import { CallSimulator, type CallAnswer } from './call-simulator.js';
import type { CallbackRequestInput, LiveAgents } from './ports.js';
import { VoiceAssistantService } from './service.js';
import { twilioSignature } from '../notifications/index.js';

const AUTH_TOKEN = 'voice-test-auth-token-0123456789';
const PUBLIC_URL = 'https://casedesk.example.gov';
/** Monday 2026-11-23, 10:00 in New York: the live lines are open. */
const OPEN = '2026-11-23T15:00:00Z';
/** Saturday 2026-11-28, 10:00 in New York: closed. */
const SATURDAY = '2026-11-28T15:00:00Z';
const KNOWN = 'EAC9999103403'; // I-130 at VSC, approved (sandbox case)
const WITHIN = 'LIN9999106498'; // I-765 at NSC
const PROTECTED = 'SRC9999132694'; // made a Section 1367 case below

let t: TestApp;
let admin: StaffPerson;
const agents = { freeNow: 1, staffedNow: 2 };
const callbackRequests: CallbackRequestInput[] = [];
/** When set, the next callback request waits for it (taken once): `reached` resolves as the request arrives. */
let callbackGate: { reached: () => void; release: Promise<void> } | undefined;

beforeAll(async () => {
  const config = testConfig({ TWILIO_AUTH_TOKEN: AUTH_TOKEN, CASEDESK_PUBLIC_URL: PUBLIC_URL });
  const clock = new FakeClock(OPEN);
  const database = await openTestDatabase();
  const deps = await createDeps(config, { log: createLogger('silent'), database, clock });
  const services = createServices(deps);
  const liveAgents: LiveAgents = {
    free: () => Promise.resolve(agents.freeNow),
    staffed: () => Promise.resolve(agents.staffedNow),
  };
  services.voiceAssistant = new VoiceAssistantService({
    ...services.voiceAssistant.deps,
    agents: liveAgents,
    callbacks: {
      request: async (input) => {
        const gate = callbackGate;
        callbackGate = undefined;
        if (gate) {
          gate.reached();
          await gate.release;
        }
        callbackRequests.push(input);
        return Promise.resolve({
          callbackId: `cb-${callbackRequests.length}`,
          position: 3,
          earliestAt: new Date('2026-11-30T14:00:00Z'),
          timeZone: 'America/Chicago',
        });
      },
    },
  });
  const { app } = await buildApp(deps, services);
  t = {
    app,
    deps,
    services,
    clock,
    config,
    async close() {
      await app.close();
      await deps.jobs.stop();
      await database.close();
    },
  };
  await database.db.updateTable('cases').set({ section_1367: true }).where('receipt_number', '=', PROTECTED).execute();
  admin = await createStaffMember(t, {
    email: 'voice.admin@agency.example',
    name: 'Vera Admin',
    roles: ['administrator'],
  });
  const actor = { accountId: admin.accountId, roles: ['administrator'] as const };
  // CC-10: I-130 at VSC received before 2026-11-01 may be inquired about; I-765 at NSC only before 2024-01-01.
  await t.services.processingTimes.saveOverride(actor, {
    formCode: 'I-130',
    categoryCode: '',
    officeCode: 'VSC',
    month: '11',
    day: '1',
    year: '2026',
    reason: 'Voice assistant tests',
  });
  await t.services.processingTimes.saveOverride(actor, {
    formCode: 'I-765',
    categoryCode: '',
    officeCode: 'NSC',
    month: '1',
    day: '1',
    year: '2024',
    reason: 'Voice assistant tests',
  });
});
afterAll(async () => t?.close());
beforeEach(() => {
  t.clock.set(new Date(OPEN));
  agents.freeNow = 1;
  agents.staffedNow = 2;
});

const call = (from?: string) => new CallSimulator(t.app, { authToken: AUTH_TOKEN, publicUrl: PUBLIC_URL, from });
const db = () => t.deps.database.db;
const callRow = (sid: string) =>
  db().selectFrom('voice_calls').selectAll().where('call_sid', '=', sid).executeTakeFirstOrThrow();
async function itemOf(sid: string) {
  const row = await callRow(sid);
  expect(row.item_id).toBeTruthy();
  return db().selectFrom('service_items').selectAll().where('id', '=', row.item_id!).executeTakeFirstOrThrow();
}
/** Starts a call and chooses the language (1 English, 2 Spanish). */
async function inLanguage(lang: 'en' | 'es', from?: string) {
  const c = call(from);
  const first = await c.start();
  expect(first.status).toBe(200);
  const menu = await c.press(lang === 'en' ? '1' : '2');
  expect(menu.gather?.language).toBe(lang === 'en' ? 'en-US' : 'es-US');
  return { c, menu };
}

describe('voice webhooks: signatures (X-Twilio-Signature)', () => {
  it('refuses a missing, wrong or other-URL signature on every webhook, and answers a valid one', async () => {
    const c = call();
    const params = { CallSid: c.sid, From: c.from, CallStatus: 'ringing' };
    for (const path of ['/hooks/voice/twilio/incoming', '/hooks/voice/twilio/gather', '/hooks/voice/twilio/status']) {
      expect((await c.post(path, params, '')).statusCode).toBe(403);
      expect((await c.post(path, params, 'bm90IGEgc2lnbmF0dXJl')).statusCode).toBe(403);
      const elsewhere = twilioSignature(AUTH_TOKEN, `https://elsewhere.example${path}`, params);
      expect((await c.post(path, params, elsewhere)).statusCode).toBe(403);
      const otherKey = twilioSignature('another-token', `${PUBLIC_URL}${path}`, params);
      expect((await c.post(path, params, otherKey)).statusCode).toBe(403);
    }
    expect(
      await db().selectFrom('voice_calls').select('call_sid').where('call_sid', '=', c.sid).executeTakeFirst(),
    ).toBeUndefined();
    const answer = await c.start();
    expect(answer.status).toBe(200);
    expect(answer.gather).toMatchObject({ input: 'dtmf speech' });
    expect(answer.gather?.action).toMatch(/^\/hooks\/voice\/twilio\/gather\?state=[\w-]+\.[\w-]+$/);
    expect(answer.said.join(' ')).toContain('For English, press 1');
    expect(answer.said.join(' ')).toContain('Para español, oprima 2');
  });

  it('the signature covers the carried state: a changed state in a signed URL is refused', async () => {
    const c = call();
    const first = await c.start();
    const action = first.gather!.action;
    const params = { CallSid: c.sid, From: c.from, CallStatus: 'in-progress', Digits: '1' };
    const signedForOther = twilioSignature(AUTH_TOKEN, `${PUBLIC_URL}${action}`, params);
    expect((await c.post(`${action}x`, params, signedForOther)).statusCode).toBe(403);
  });
});

describe('the call state carried in the answers (call-state.ts)', () => {
  /** The IVR details the call's closing timeline entry records. */
  const ivrOf = async (itemId: string) => {
    const entry = await db()
      .selectFrom('service_item_events')
      .select('details')
      .where('item_id', '=', itemId)
      .where('kind', '=', 'voice_assistant_call')
      .executeTakeFirstOrThrow();
    return entry.details as { ivr: { path: string[]; inputs: unknown[] } };
  };
  const stateOf = (url: string) => new URL(url, PUBLIC_URL).searchParams.get('state')!;

  it("another call's state, or a forged one, is ignored: the answer follows the call's own row", async () => {
    // Call A is at the main menu; call B has only been asked its language.
    const { menu } = await inLanguage('en');
    const b = call();
    await b.start();
    const params = { CallSid: b.sid, From: b.from, CallStatus: 'in-progress', Digits: '2' };
    for (const token of [
      stateOf(menu.gather!.action), // A's (valid for A only)
      `${Buffer.from(JSON.stringify({ v: 1, l: 'en', s: { s: { step: 'menu', node: 'main', tries: 0 } } })).toString('base64url')}.AAAAAAAAAAAAAAAAAAAAAA`,
      'not-a-token',
    ]) {
      const url = `/hooks/voice/twilio/gather?state=${token}`;
      const res = await b.post(url, params, twilioSignature(AUTH_TOKEN, `${PUBLIC_URL}${url}`, params));
      expect(res.statusCode).toBe(200);
      // B's row says "language": 2 chooses Spanish (A's state would have taken option 2 of the English main menu).
      expect(res.body).toContain('language="es-US"');
      await db()
        .updateTable('voice_calls')
        .set({ language: null, state: JSON.stringify({ s: { step: 'language', tries: 0 } }) })
        .where('call_sid', '=', b.sid)
        .execute();
    }
  });

  it('a call answered with and without the carried state records the same path and inputs, step by step', async () => {
    const play = async (withoutState: boolean) => {
      const c = call();
      c.withoutState = withoutState;
      await c.start();
      await c.press('1');
      const afterMenu = await callRow(c.sid);
      expect(afterMenu.path).toEqual(['language:en', 'main']);
      await c.press('1');
      await c.say('E as in Echo, alpha, charlie, nine nine nine nine one oh three four oh three');
      const end = await c.silence();
      expect(end.verbs.at(-1)?.verb).toBe('Hangup');
      const row = await callRow(c.sid);
      const item = await itemOf(c.sid);
      return { row, details: await ivrOf(item.id), item };
    };
    const carried = await play(false);
    const read = await play(true);
    expect(carried.row.path).toEqual(read.row.path);
    expect(carried.row.inputs).toEqual(read.row.inputs);
    expect(carried.row.path).toEqual(['language:en', 'main', 'action:case_status', 'status:found', 'end:self_served']);
    expect(carried.details.ivr.path).toEqual(carried.row.path);
    expect(carried.details.ivr.inputs).toEqual(carried.row.inputs);
    expect(JSON.stringify(carried.row.inputs)).not.toContain('9999103403');
    expect(carried.item).toMatchObject({ type: 'case_status', status: 'closed', channel: 'voice_assistant' });
    expect(carried.row).toMatchObject({ outcome: 'self_served', language: 'en' });
  });

  it('a state that holds a receipt number is not carried (URLs end up in logs): the callback offer reads the row', async () => {
    agents.freeNow = 0;
    const { c } = await inLanguage('en');
    const asked = await c.press('7');
    expect(asked.gather?.action).toMatch(/\?state=/);
    const offer = await c.say(`E A C ${KNOWN.slice(3)}`);
    expect(offer.said.join(' ')).toContain('call you back');
    expect(offer.gather?.action).toBe('/hooks/voice/twilio/gather');
    expect(offer.verbs.find((v) => v.verb === 'Redirect')).toMatchObject({ url: '/hooks/voice/twilio/gather' });
    // The question about a text first (CB-5) still holds the receipt number: not carried either.
    const textFirst = await c.press('1');
    expect(textFirst.gather?.action).toBe('/hooks/voice/twilio/gather');
    const placed = await c.press('2');
    expect(placed.verbs.at(-1)?.verb).toBe('Hangup');
    expect(callbackRequests.at(-1)).toMatchObject({ phones: [c.from] });
    expect(await itemOf(c.sid)).toMatchObject({ channel: 'phone', receipt_number: KNOWN });
  });

  it('a caller who hangs up mid-menu (state carried, no status callback yet) has the path so far on the row', async () => {
    const { c } = await inLanguage('es');
    await c.press('9');
    const row = await callRow(c.sid);
    expect(row.path).toEqual(['language:es', 'main']);
    expect(row.inputs).toEqual([
      { step: 'language', kind: 'digits', value: '2' },
      { step: 'menu', kind: 'digits', value: '9' },
    ]);
    expect(row.item_id).toBeNull();
    expect(await c.hangUp(7)).toBe(204);
    const details = await ivrOf((await itemOf(c.sid)).id);
    expect(details.ivr.path).toEqual(['language:es', 'main']);
  });
});

describe('self-service (CC-9, CC-13)', () => {
  it('a receipt number read in pairs as numbers, in English and in Spanish, finds the case', async () => {
    for (const [lang, words, heard] of [
      ['en', 'E A C, ninety nine ninety nine, ten, thirty-four, oh three', 'Your case status is: Case Was Approved'],
      [
        'es',
        'e de eco, a, c, noventa y nueve noventa y nueve diez treinta y cuatro cero tres',
        'El estado de su caso es:',
      ],
    ] as const) {
      const { c } = await inLanguage(lang);
      await c.press('1');
      const status = await c.say(words);
      expect(status.said.join(' '), lang).toContain(heard);
      expect(JSON.stringify((await callRow(c.sid)).inputs)).toContain('EAC******3403');
    }
  });

  it('English, speech: case status with "E as in Echo" and "oh", then the call ends with an item, masked inputs and its duration', async () => {
    const { c } = await inLanguage('en');
    const ask = await c.say('case status');
    expect(ask.said.join(' ')).toContain('say your receipt number');
    const status = await c.say('E as in Echo, alpha, charlie, nine nine nine nine one oh three four oh three');
    const said = status.said.join(' ');
    expect(said).toContain('Your case status is: Case Was Approved');
    expect(said).toMatch(/Last updated [A-Z][a-z]+ \d{1,2}, \d{4}/);
    // The official text's agency addresses this service replaces are said as this service's own (issue 15).
    expect(said).toContain(`${PUBLIC_URL}/account/address`);
    expect(said).toContain(`${PUBLIC_URL}/e-request`);
    expect(said).not.toContain('uscis.gov/addresschange');
    const end = await c.silence();
    expect(end.verbs.map((v) => v.verb)).toEqual(['Say', 'Hangup']);
    const item = await itemOf(c.sid);
    expect(item).toMatchObject({
      channel: 'voice_assistant',
      type: 'case_status',
      status: 'closed',
      language: 'en',
      contact_phone: c.from,
    });
    expect(item.receipt_number).toBeNull();
    const everything =
      JSON.stringify(await callRow(c.sid)) +
      item.description +
      JSON.stringify(await db().selectFrom('service_item_events').selectAll().where('item_id', '=', item.id).execute());
    expect(everything).toContain('EAC******3403');
    expect(everything).not.toContain(KNOWN);
    expect(everything).not.toContain('9999103403');
    expect(item.description).toContain('language:en > main > action:case_status > status:found');
    expect(await c.hangUp(95)).toBe(204);
    expect(await callRow(c.sid)).toMatchObject({
      duration_seconds: 95,
      provider_status: 'completed',
      outcome: 'self_served',
    });
    const ended = await db()
      .selectFrom('service_item_events')
      .selectAll()
      .where('item_id', '=', item.id)
      .where('kind', '=', 'call_ended')
      .executeTakeFirstOrThrow();
    expect(ended.details).toMatchObject({ durationSeconds: 95, status: 'completed' });
  });

  it('Spanish, keypad: the prefix from the short menu, then the ten digits; the status read in Spanish', async () => {
    const { c } = await inLanguage('es');
    const ask = await c.press('1');
    expect(ask.said.join(' ')).toContain('Diga su número de recibo');
    const prefixes = await c.press('1');
    expect(prefixes.said.join(' ')).toContain('Para E A C, oprima 2.');
    expect(prefixes.gather?.language).toBe('es-US');
    const digits = await c.press('2');
    expect(digits.gather).toMatchObject({ input: 'dtmf', numDigits: 10, finishOnKey: '#' });
    const status = await c.press('9999103403');
    expect(status.said.join(' ')).toContain('El estado de su caso es: Se aprobó el caso. Última actualización:');
    const inputs = JSON.stringify((await callRow(c.sid)).inputs);
    expect(inputs).toContain('EAC******3403');
    expect(inputs).not.toContain('9999103403');
  });

  it('a Section 1367 case gets exactly the answer of an unknown receipt number (nothing more)', async () => {
    const protectedCall = (await inLanguage('en')).c;
    await protectedCall.press('1');
    const hidden = await protectedCall.say(`S R C ${PROTECTED.slice(3).split('').join(' ')}`);
    const unknownCall = (await inLanguage('en')).c;
    await unknownCall.press('1');
    const unknown = await unknownCall.say('I O E 0 0 0 0 0 0 0 0 0 1');
    expect(hidden.said).toEqual(unknown.said);
    expect(hidden.said.join(' ')).toContain('We do not recognize that receipt number');
    // The call's item is protected (Tier 3 only), the other caller's is not.
    await protectedCall.silence();
    await unknownCall.silence();
    expect(await itemOf(protectedCall.sid)).toMatchObject({ section_1367: true, queue: 'tier3', status: 'closed' });
    expect(await itemOf(unknownCall.sid)).toMatchObject({ section_1367: false, status: 'closed' });
  });

  for (const [lang, topicKey, link, expected] of [
    ['en', '2', '/account/address', 'change your address online'],
    ['es', '4', '/processing-times', 'tiempos de procesamiento'],
  ] as const) {
    it(`${lang}: a sentence, then the link by text (consent: the caller pressed 1)`, async () => {
      const from = lang === 'en' ? '+12025550181' : '+12025550182';
      const { c } = await inLanguage(lang, from);
      const info = await c.press(topicKey);
      expect(info.said.join(' ')).toContain(expected);
      const sent = await c.press('1');
      expect(sent.verbs.map((v) => v.verb)).toEqual(['Say', 'Hangup']);
      const text = await db()
        .selectFrom('notification_messages')
        .selectAll()
        .where('recipient', '=', from)
        .executeTakeFirstOrThrow();
      expect(text).toMatchObject({ channel: 'sms', template: 'voice_assistant_link', language: lang });
      expect(text.body).toContain(`${PUBLIC_URL}${link}`);
      expect(JSON.stringify((await callRow(c.sid)).inputs)).toContain('sms_consent');
      expect(await itemOf(c.sid)).toMatchObject({ channel: 'voice_assistant', status: 'closed' });
    });
  }

  it('biometrics: online rescheduling is self-service (no live option before it)', async () => {
    const { c } = await inLanguage('en');
    const menu = await c.say('biometrics');
    expect(menu.said.join(' ')).toContain('To reschedule online by yourself, press 1');
    const info = await c.press('1');
    expect(info.said.join(' ')).toContain('reschedule your biometrics appointment online');
  });
});

describe('live routes only (CC-9), Section 1367 to Tier 3 (CC-6)', () => {
  const routes = [
    { name: 'emergency', keys: ['5'], type: 'emergency', queue: 'tier1', urgent: true },
    { name: 'expedite', keys: ['6'], type: 'expedite_request', queue: 'tier1', urgent: false },
    { name: 'biometrics in advance', keys: ['3', '2'], type: 'biometrics_reschedule', queue: 'tier1', urgent: false },
    { name: 'VAWA, T or U caller', keys: ['8'], type: 'case_inquiry', queue: 'tier3', urgent: false },
  ];
  for (const lang of ['en', 'es'] as const)
    for (const r of routes)
      it(`${lang}: ${r.name} → Enqueue to the ${r.queue} line, a phone item`, async () => {
        const { c } = await inLanguage(lang);
        let answer = await c.press(r.keys[0]!);
        for (const key of r.keys.slice(1)) answer = await c.press(key);
        expect(answer.verbs.map((v) => v.verb)).toEqual(['Say', 'Enqueue']);
        expect(answer.verbs[1]).toMatchObject({ queue: `live-${r.queue}` });
        const item = await itemOf(c.sid);
        expect(item).toMatchObject({ channel: 'phone', type: r.type, urgent: r.urgent, language: lang });
        expect(answer.said[0]).toContain(String(item.number));
        if (r.queue === 'tier3') expect(item).toMatchObject({ queue: 'tier3', section_1367: true });
        else expect(item.section_1367).toBe(false);
        expect((item.details as { ivr: { outcome: string } }).ivr.outcome).toBe('queued');
      });

  it('outside normal processing time (CC-10, asked of e-Request): an older case goes live, a newer one does not', async () => {
    const older = (await inLanguage('en')).c;
    await older.press('7');
    const live = await older.say(`E A C ${KNOWN.slice(3)}`);
    expect(live.verbs.at(-1)).toMatchObject({ verb: 'Enqueue', queue: 'live-tier1' });
    const item = await itemOf(older.sid);
    expect(item).toMatchObject({ channel: 'phone', type: 'case_inquiry', receipt_number: KNOWN });
    expect(item.description).not.toContain(KNOWN);

    const newer = (await inLanguage('es')).c;
    await newer.press('7');
    const within = await newer.say(`L I N ${WITHIN.slice(3)}`);
    expect(within.verbs.some((v) => v.verb === 'Enqueue')).toBe(false);
    expect(within.said.join(' ')).toContain('dentro del tiempo normal de procesamiento');
  });

  it('a receipt number of a Section 1367 case is answered as unknown, and a live route of the call then reaches Tier 3 only, without saying why', async () => {
    const { c } = await inLanguage('en');
    await c.press('7');
    const answer = await c.say(`S R C ${PROTECTED.slice(3)}`);
    expect(answer.said.join(' ')).toContain('We do not recognize that receipt number');
    await c.press('2');
    const live = await c.press('5');
    expect(live.verbs.at(-1)).toMatchObject({ verb: 'Enqueue', queue: 'live-tier3' });
    expect(live.said.join(' ')).not.toMatch(/1367|VAWA|protected/i);
    expect(await itemOf(c.sid)).toMatchObject({ queue: 'tier3', section_1367: true });
  });
});

describe('review: Section 1367 oracle through the "outside normal processing time" route', () => {
  it('a Section 1367 receipt number gets the same answer as an unknown one on the live route too (CC-6)', async () => {
    const protectedCall = (await inLanguage('en')).c;
    await protectedCall.press('7');
    const hidden = await protectedCall.say(`S R C ${PROTECTED.slice(3).split('').join(' ')}`);
    const unknownCall = (await inLanguage('en')).c;
    await unknownCall.press('7');
    const unknown = await unknownCall.say('I O E 0 0 0 0 0 0 0 0 0 1');
    // Case status (option 1) already says "We do not recognize that receipt number" for both; option 7 must not
    // then tell them apart (today: the protected number is put through to an agent, the unknown one is not).
    expect(hidden.verbs.map((v) => v.verb)).toEqual(unknown.verbs.map((v) => v.verb));
    expect(hidden.said).toEqual(unknown.said);
  });
});

describe('no agent free or outside hours: estimated wait and a callback that keeps the place in line', () => {
  it('inside hours with no agent free: the estimated wait, then a callback through the callbacks port', async () => {
    agents.freeNow = 0;
    const { c } = await inLanguage('en', '+13125550199');
    const offer = await c.press('5');
    const said = offer.said.join(' ');
    expect(said).toMatch(/The estimated wait is about \d+ minutes?\./);
    expect(said).toContain('To get a call back at the number you are calling from, press 1');
    expect(offer.verbs.some((v) => v.verb === 'Enqueue')).toBe(false);
    const before = callbackRequests.length;
    const question = await c.press('1');
    expect(question.gather?.says[0]?.text).toContain('Would you like a text message');
    const booked = await c.press('2');
    expect(booked.verbs.map((v) => v.verb)).toEqual(['Say', 'Say', 'Say', 'Hangup']);
    expect(booked.said[0]).toContain('You are number 3 in line');
    expect(booked.said[0]).toContain('Central');
    expect(booked.said[1]).toBe('We will not send a text before we call.');
    const item = await itemOf(c.sid);
    expect(callbackRequests.slice(before)).toEqual([
      { itemId: item.id, phones: ['+13125550199'], language: 'en', source: 'voice_assistant', textAhead: false },
    ]);
    expect(item).toMatchObject({ channel: 'phone', type: 'emergency' });
    expect((await callRow(c.sid)).outcome).toBe('callback');
  });

  it('inside hours with no agent free: the caller may hold instead (3, or staying on the line), never sent away', async () => {
    agents.freeNow = 0;
    for (const choose of [
      (c: Awaited<ReturnType<typeof inLanguage>>['c']) => c.press('3'),
      (c: Awaited<ReturnType<typeof inLanguage>>['c']) => c.silence(),
    ]) {
      const { c } = await inLanguage('en', '+13125550198');
      const offer = await c.press('5');
      expect(offer.said.join(' ')).toContain('To stay on the line, press 3');
      const held = await choose(c);
      expect(held.verbs.at(-1)).toMatchObject({ verb: 'Enqueue', queue: 'live-tier1' });
      expect(held.said.join(' ')).toContain('Please hold');
      expect((await callRow(c.sid)).outcome).toBe('queued');
    }
  });

  it('outside hours (Saturday), in Spanish: says when the lines open and offers the callback', async () => {
    t.clock.set(new Date(SATURDAY));
    const { c } = await inLanguage('es');
    const offer = await c.press('6');
    expect(offer.said.join(' ')).toContain('ahora estamos cerrados');
    expect(offer.said.join(' ')).toContain('Podemos devolverle la llamada');
    const menu = await c.press('2');
    expect(menu.said[0]).toContain('Menú principal');
  });

  it('the estimated wait follows the queue: median handling time x (waiting + 1) / agents', async () => {
    agents.staffedNow = 1;
    const one = await t.services.voiceAssistant.estimatedWait('tier1');
    agents.staffedNow = 4;
    const four = await t.services.voiceAssistant.estimatedWait('tier1');
    expect(one).toBeGreaterThanOrEqual(four);
    expect(four).toBeGreaterThanOrEqual(1);
  });

  it('never hangs up without saying what happens next: three silences end the call with a sentence', async () => {
    const c = call();
    await c.start();
    await c.silence();
    await c.silence();
    const end = await c.silence();
    expect(end.verbs.map((v) => v.verb)).toEqual(['Say', 'Hangup']);
    expect(end.said[0]).toContain('call us again');
    expect(await itemOf(c.sid)).toMatchObject({ channel: 'voice_assistant', status: 'closed' });
  });

  it('a caller who hangs up mid-menu leaves an item with the outcome "abandoned" and the duration', async () => {
    const { c } = await inLanguage('en');
    await c.press('1');
    expect(await c.hangUp(12)).toBe(204);
    const row = await callRow(c.sid);
    expect(row).toMatchObject({ outcome: 'abandoned', duration_seconds: 12 });
    expect(await itemOf(c.sid)).toMatchObject({ channel: 'voice_assistant' });
  });
});

describe('the menu as data: versions, the administrator page', () => {
  it('publishes the node texts as a new version (audited); a call in progress keeps its version', async () => {
    const { c } = await inLanguage('en');
    const agent = admin.agent;
    expect((await agent.get('/staff/voice-menu')).statusCode).toBe(200);
    const empty = await agent.post('/staff/voice-menu', { 'node-main-en': '', 'node-main-es': 'Menú', note: '' });
    expect(empty.statusCode).toBe(400);
    expect(agent.$('#error-summary a[href="#node-main-en"]')).toHaveLength(1);
    const before = (await t.services.voiceAssistant.publishedMenu()).version;
    await agent.get('/staff/voice-menu');
    const ok = await agent.post('/staff/voice-menu', {
      'node-main-en': 'New main menu. For case status press 1.',
      'node-main-es': 'Nuevo menú principal. Para el estado del caso oprima 1.',
      note: 'shorter',
    });
    expect(ok.statusCode).toBe(303);
    expect((await t.services.voiceAssistant.publishedMenu()).version).toBe(before + 1);
    const audit = await db()
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'voice_menu.published')
      .executeTakeFirstOrThrow();
    expect(audit).toMatchObject({ actor_id: admin.accountId, subject_id: String(before + 1) });
    // The call started before keeps the old texts; a new call hears the new ones.
    const old = await c.press('0');
    expect(old.said.join(' ')).toContain('Main menu. For the status of your case');
    const fresh = await inLanguage('en');
    expect(fresh.menu.said[0]).toBe('New main menu. For case status press 1.');
  });
});

describe('containment on the dashboards', () => {
  it('shows the share of calls served without an agent, with a table and a CSV', async () => {
    const agent = admin.agent;
    expect((await agent.get('/staff/dashboards?days=7')).statusCode).toBe(200);
    expect(agent.$('#containment-summary').text()).toMatch(
      /The voice assistant served \d+(\.\d+)?% of its calls without an agent \(\d+ of \d+\)\./,
    );
    expect(agent.$('#chart-containment')).toHaveLength(1);
    const csv = await agent.get('/staff/dashboards/containment.csv?days=7');
    expect(csv.statusCode).toBe(200);
    expect(csv.body).toContain('week_start,week_end,calls,contained,containment_percent');
  });
});

describe('/dev/phone', () => {
  it('calls the assistant through the signed webhooks, shows what is said, and answers a text from the outbox', async () => {
    const agent = new TestAgent(t.app, '10.77.0.1');
    expect((await agent.get('/dev/phone')).statusCode).toBe(200);
    await agent.post('/dev/phone/call', { from: '+12025550177' });
    expect(agent.$('main').text()).toContain('For English, press 1');
    const hidden = () => ({
      call_sid: agent.$('input[name=call_sid]').first().val() as string,
      from: agent.$('input[name=from]').first().val() as string,
      started: agent.$('input[name=started]').first().val() as string,
    });
    await agent.post('/dev/phone/step', { ...hidden(), action: 'press', digits: '1' });
    expect(agent.$('main').text()).toMatch(/main menu/i);
    await agent.post('/dev/phone/step', { ...hidden(), action: 'speak', speech: 'change of address' });
    expect(agent.$('main').text()).toContain('change your address online');
    await agent.post('/dev/phone/step', { ...hidden(), action: 'press', digits: '1' });
    expect(agent.$('main').text()).toContain('We sent the link by text message');
    expect(agent.$('main').text()).toContain('The assistant ended the call.');
    const sid = (
      await db()
        .selectFrom('voice_calls')
        .select('call_sid')
        .where('from_number', '=', '+12025550177')
        .executeTakeFirstOrThrow()
    ).call_sid;
    expect((await callRow(sid)).provider_status).toBe('completed');
    // The text is in the outbox list with a reply box; HELP is answered by the inbound hook.
    expect(agent.$('main').text()).toContain('/account/address');
    await agent.post('/dev/phone/text', { from: '+12025550177', body: 'HELP' });
    expect(agent.$('main').text()).toContain('+12025550177 replied "HELP".');
    expect(agent.$('main').text()).toContain('Answer:');
  });
});

describe('one item per call', () => {
  it('the last step and the status callback arriving together leave one service item (the call row takes an item only while it has none)', async () => {
    const { c } = await inLanguage('en');
    const before = await db()
      .selectFrom('service_items')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('contact_phone', '=', c.from)
      .executeTakeFirstOrThrow();
    await Promise.all([c.silence(), c.hangUp(30), c.hangUp(30)]);
    const after = await db()
      .selectFrom('service_items')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('contact_phone', '=', c.from)
      .executeTakeFirstOrThrow();
    expect(Number(after.n) - Number(before.n)).toBe(1);
  });
});

describe('review: one item and one callback per call, whatever the provider posts twice', () => {
  const phoneItems = async (from: string) =>
    db().selectFrom('service_items').select(['id', 'number']).where('contact_phone', '=', from).execute();
  /** A call at the question about a text first (the callback asked for); answers the URL the next answer goes to. */
  async function atTextQuestion(from: string) {
    agents.freeNow = 0;
    const { c } = await inLanguage('en', from);
    await c.press('5');
    const question = await c.press('1');
    expect(question.gather?.says[0]?.text).toContain('Would you like a text message');
    return { c, url: question.gather!.action };
  }
  const answer2 = (c: CallSimulator) => ({
    CallSid: c.sid,
    From: c.from,
    To: '+18003755283',
    AccountSid: 'AC0000',
    CallStatus: 'in-progress',
    Digits: '2',
  });

  it('the same signed answer posted twice (a provider retry) books one item and one callback, and the retry says what happens next', async () => {
    const { c, url } = await atTextQuestion('+13125550161');
    expect(url).toMatch(/\?state=/);
    const params = answer2(c);
    const first = await c.post(url, params);
    const again = await c.post(url, params);
    expect(first.statusCode).toBe(200);
    expect(again.statusCode).toBe(200);
    const items = await phoneItems(c.from);
    expect(items).toHaveLength(1);
    expect(callbackRequests.filter((r) => r.itemId === items[0]!.id)).toHaveLength(1);
    expect((await callRow(c.sid)).item_id).toBe(items[0]!.id);
    expect(first.body).toContain('Your call back is booked');
    // Not a dead end: the retry tells the caller the booking and its item number, then says goodbye.
    expect(again.body).toContain(`Your call back is already booked. Your service item number is ${items[0]!.number}.`);
    expect(again.body).toMatch(/You can hang up now\. Goodbye\.<\/Say>\s*<Hangup/);
    // The row records the answer once.
    expect((await callRow(c.sid)).path).toEqual([
      'language:en',
      'main',
      'action:live_emergency',
      'live:emergency',
      expect.stringMatching(/^wait:/),
      'text_ahead:declined',
      'callback',
      'end:callback',
    ]);
  });

  it('the same signed answer posted twice at once: one item, one callback', async () => {
    const { c, url } = await atTextQuestion('+13125550162');
    const params = answer2(c);
    const answers = await Promise.all([c.post(url, params), c.post(url, params), c.post(url, params)]);
    expect(answers.map((a) => a.statusCode)).toEqual([200, 200, 200]);
    const items = await phoneItems(c.from);
    expect(items).toHaveLength(1);
    expect(callbackRequests.filter((r) => r.itemId === items[0]!.id)).toHaveLength(1);
  });

  it('a queued live route posted twice: one item, and the retry holds in the same line', async () => {
    const { c, menu } = await inLanguage('en', '+13125550163');
    const params = { ...answer2(c), Digits: '5' };
    const first = await c.post(menu.gather!.action, params);
    const again = await c.post(menu.gather!.action, params);
    const items = await phoneItems(c.from);
    expect(items).toHaveLength(1);
    expect(first.body).toContain('<Enqueue>live-tier1</Enqueue>');
    expect(again.body).toContain('<Enqueue>live-tier1</Enqueue>');
    expect(again.body).toContain(`Your service item number is ${items[0]!.number}.`);
  });

  it('the hang-up status callback while the booking answer is being made: one item, one callback', async () => {
    const { c, url } = await atTextQuestion('+13125550164');
    let reached!: () => void;
    let release!: () => void;
    const arrived = new Promise<void>((resolve) => (reached = resolve));
    callbackGate = { reached, release: new Promise<void>((resolve) => (release = resolve)) };
    // The booking answer reaches the callbacks module; the caller hangs up before its answer is saved.
    const booking = c.post(url, answer2(c));
    await arrived;
    expect(await c.hangUp(40)).toBe(204);
    release();
    expect((await booking).statusCode).toBe(200);
    const items = await phoneItems(c.from);
    expect(items).toHaveLength(1);
    expect(callbackRequests.filter((r) => r.itemId === items[0]!.id)).toHaveLength(1);
    const row = await callRow(c.sid);
    expect(row).toMatchObject({ item_id: items[0]!.id, outcome: 'callback', duration_seconds: 40 });
    const ended = await db()
      .selectFrom('service_item_events')
      .select('details')
      .where('item_id', '=', items[0]!.id)
      .where('kind', '=', 'call_ended')
      .execute();
    expect(ended).toHaveLength(1);
  });

  it('a hang-up at the text question after the booking answer: one item', async () => {
    const { c, url } = await atTextQuestion('+13125550165');
    await c.post(url, answer2(c));
    expect(await c.hangUp(41)).toBe(204);
    const items = await phoneItems(c.from);
    expect(items).toHaveLength(1);
    expect(callbackRequests.filter((r) => r.itemId === items[0]!.id)).toHaveLength(1);
  });
});

describe('review: the Section 1367 flag never travels in a URL (CC-6)', () => {
  /** Every action and redirect URL of an answer, and what the state token in it says (base64url JSON). */
  const carriedStates = (a: CallAnswer) =>
    a.verbs
      .flatMap((v) => (v.verb === 'Gather' ? [v.action] : v.verb === 'Redirect' ? [v.url] : []))
      .map((url) => new URL(url, PUBLIC_URL).searchParams.get('state'))
      .filter((token): token is string => token !== null)
      .map((token) => Buffer.from(token.split('.')[0]!, 'base64url').toString('utf8'));

  it("the VAWA, T or U choice (callback offer, text question, hold) and a protected case's receipt number carry no state", async () => {
    agents.freeNow = 0;
    const answers: CallAnswer[] = [];
    const vawa = (await inLanguage('en')).c;
    answers.push(await vawa.press('8'));
    expect(answers.at(-1)!.said.join(' ')).toContain('call you back');
    answers.push(await vawa.press('9')); // not understood: asked again
    answers.push(await vawa.silence());
    expect(answers.at(-1)!.verbs.at(-1)).toMatchObject({ verb: 'Enqueue', queue: 'live-tier3' });

    agents.freeNow = 1;
    const hidden = (await inLanguage('es')).c;
    await hidden.press('1');
    answers.push(await hidden.say(`S R C ${PROTECTED.slice(3)}`));
    answers.push(await hidden.press('7')); // not understood
    answers.push(await hidden.press('2')); // the main menu: still a Section 1367 call
    answers.push(await hidden.press('4')); // processing times (self-service)
    answers.push(await hidden.press('2')); // the main menu again
    const live = await hidden.press('5');
    expect(live.verbs.at(-1)).toMatchObject({ verb: 'Enqueue', queue: 'live-tier3' });
    for (const a of answers) {
      expect(a.status).toBe(200);
      for (const state of carriedStates(a)) expect(state).not.toMatch(/protected1367|section_1367/);
    }
    // Carried states are read the same way elsewhere (this check would see them).
    const plain = (await inLanguage('en')).menu;
    expect(carriedStates(plain)).toHaveLength(2);
    for (const state of carriedStates(plain)) expect(state).toContain('"step":"menu"');
  });
});
