import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/harness.js';
import { twilioSignature } from '../notifications/index.js';
import { CallSimulator } from './call-simulator.js';

/**
 * CB-5 from the voice assistant, with the real callbacks and Text Ahead modules (services.ts): a caller who books a
 * callback is asked whether they want a text first; yes records the consent for the item and the number and the
 * callback then texts before the call; no records none and the callback waits in line without a text.
 */

const AUTH_TOKEN = 'voice-test-auth-token-0123456789';
const PUBLIC_URL = 'https://casedesk.example.gov';
/** Monday 2026-11-23, 10:00 in New York: the lines are open, no agent is free (CASEDESK_VOICE_AGENTS=0). */
const OPEN = '2026-11-23T15:00:00Z';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({
    env: { TWILIO_AUTH_TOKEN: AUTH_TOKEN, CASEDESK_PUBLIC_URL: PUBLIC_URL, CASEDESK_VOICE_AGENTS: '0' },
  });
});
afterAll(async () => t?.close());
beforeEach(() => t.clock.set(new Date(OPEN)));

const db = () => t.deps.database.db;

/** A call in `lang` that asks for an emergency (a live route), hears the callback offer and asks for one. */
async function askForCallback(lang: 'en' | 'es', from: string) {
  const c = new CallSimulator(t.app, { authToken: AUTH_TOKEN, publicUrl: PUBLIC_URL, from });
  await c.start();
  await c.press(lang === 'en' ? '1' : '2');
  const offer = await c.press('5');
  expect(offer.gather).toBeDefined();
  const question = await c.press('1');
  expect(question.gather?.language).toBe(lang === 'en' ? 'en-US' : 'es-US');
  return { c, question: question.said.join(' ') };
}

async function itemOfCall(sid: string) {
  const call = await db().selectFrom('voice_calls').selectAll().where('call_sid', '=', sid).executeTakeFirstOrThrow();
  expect(call.outcome).toBe('callback');
  return db().selectFrom('service_items').selectAll().where('id', '=', call.item_id!).executeTakeFirstOrThrow();
}

const consentsOf = (itemId: string) =>
  db().selectFrom('text_ahead_consents').selectAll().where('item_id', '=', itemId).execute();
const callbackOf = (itemId: string) =>
  db().selectFrom('callbacks').selectAll().where('item_id', '=', itemId).executeTakeFirstOrThrow();
const asksTo = (phone: string) =>
  db()
    .selectFrom('notification_messages')
    .select(['body', 'language'])
    .where('template', '=', 'text_ahead_ask')
    .where('recipient', '=', phone)
    .execute();

describe('Text Ahead consent from the voice assistant (CB-5)', () => {
  it('English, keypad 1: the consent is recorded for the item and number, and the callback texts before the call', async () => {
    const phone = '+12025550181';
    const { c, question } = await askForCallback('en', phone);
    expect(question).toContain('Would you like a text message at this number shortly before we call you back?');
    const booked = await c.press('1');
    expect(booked.said.join(' ')).toContain('You are number');
    expect(booked.said.join(' ')).toContain('Before we call, we will text the number you are calling from.');
    expect(booked.verbs.at(-1)).toEqual({ verb: 'Hangup' });
    const item = await itemOfCall(c.sid);
    expect(await consentsOf(item.id)).toEqual([
      expect.objectContaining({ phone, language: 'en', channel: 'voice_assistant', withdrawn_at: null }),
    ]);
    // The window is open and the line short: the CB-5 text went out with the request, and the callback waits for it.
    expect(await callbackOf(item.id)).toMatchObject({
      status: 'waiting_text',
      text_ahead: true,
      source: 'voice_assistant',
    });
    const [ask] = await asksTo(phone);
    expect(ask!.body).toContain(`#${item.number}`);
    expect(await t.services.textAhead.reply(phone, 'Y')).toContain('Thank you for confirming');
    expect(await callbackOf(item.id)).toMatchObject({ status: 'pending', text_ahead_state: 'confirmed' });
  });

  it('Spanish, said "sí, por favor": recorded, and the text comes in Spanish', async () => {
    const phone = '+12025550182';
    const { c, question } = await askForCallback('es', phone);
    expect(question).toContain('¿Desea recibir un mensaje de texto');
    const booked = await c.say('Sí, por favor');
    expect(booked.said.join(' ')).toContain('Antes de llamarle, le enviaremos un mensaje de texto');
    const item = await itemOfCall(c.sid);
    expect(await consentsOf(item.id)).toEqual([expect.objectContaining({ phone, language: 'es' })]);
    const [ask] = await asksTo(phone);
    expect(ask).toMatchObject({ language: 'es' });
    expect(ask!.body).toContain('Un Oficial de Servicios de Inmigración');
    expect(await callbackOf(item.id)).toMatchObject({ status: 'waiting_text', language: 'es' });
  });

  it('English said "no thanks", Spanish keypad 2: no consent, no text, the callback waits in line at once', async () => {
    const cases = [
      { lang: 'en' as const, phone: '+12025550183', answer: (c: CallSimulator) => c.say('No thanks') },
      { lang: 'es' as const, phone: '+12025550184', answer: (c: CallSimulator) => c.press('2') },
    ];
    for (const { lang, phone, answer } of cases) {
      const { c } = await askForCallback(lang, phone);
      const booked = await answer(c);
      expect(booked.said.join(' ')).toContain(
        lang === 'en' ? 'We will not send a text before we call.' : 'No le enviaremos un mensaje de texto',
      );
      const item = await itemOfCall(c.sid);
      expect(await consentsOf(item.id)).toEqual([]);
      expect(await callbackOf(item.id)).toMatchObject({ status: 'pending', text_ahead: false });
      expect(await asksTo(phone)).toEqual([]);
    }
  });

  it('not understood three times, or a hang-up at the question: the callback is booked anyway, without a text', async () => {
    const { c } = await askForCallback('en', '+12025550185');
    expect((await c.say('maybe later')).said.join(' ')).toContain('Sorry, I did not get that.');
    await c.silence();
    const booked = await c.press('7');
    expect(booked.said.join(' ')).toContain('We will not send a text before we call.');
    expect(await callbackOf((await itemOfCall(c.sid)).id)).toMatchObject({ status: 'pending' });

    const gone = await askForCallback('es', '+12025550186');
    expect(await gone.c.hangUp(40)).toBe(204);
    const item = await itemOfCall(gone.c.sid);
    expect(item).toMatchObject({ channel: 'phone', type: 'emergency', language: 'es' });
    expect(await callbackOf(item.id)).toMatchObject({ status: 'pending', phones: ['+12025550186'] });
    expect(await consentsOf(item.id)).toEqual([]);
  });

  it('a number that replied STOP is told so, and gets no text', async () => {
    const phone = '+12025550187';
    const params = { From: phone, Body: 'STOP', To: '+12025550000' };
    const url = '/hooks/sms/twilio/inbound';
    const stop = await t.app.inject({
      method: 'POST',
      url,
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-twilio-signature': twilioSignature(AUTH_TOKEN, `${PUBLIC_URL}${url}`, params),
      },
      payload: new URLSearchParams(params).toString(),
    });
    expect(stop.statusCode).toBe(200);
    const { c } = await askForCallback('en', phone);
    const booked = await c.press('1');
    expect(booked.said.join(' ')).toContain('This number has turned off our texts by replying STOP');
    const item = await itemOfCall(c.sid);
    expect(await consentsOf(item.id)).toEqual([]);
    expect(await callbackOf(item.id)).toMatchObject({ status: 'pending', text_ahead: false });
    expect(await asksTo(phone)).toEqual([]);
  });

  it('a Section 1367 caller (VAWA, T or U) is not asked: the callback is booked at once, without a text', async () => {
    const { c } = await (async () => {
      const sim = new CallSimulator(t.app, { authToken: AUTH_TOKEN, publicUrl: PUBLIC_URL, from: '+12025550188' });
      await sim.start();
      await sim.press('1');
      await sim.press('8');
      return { c: sim };
    })();
    const booked = await c.press('1');
    expect(booked.said.join(' ')).toContain('You are number');
    expect(booked.said.join(' ')).not.toContain('text');
    const item = await itemOfCall(c.sid);
    expect(item.section_1367).toBe(true);
    expect(await consentsOf(item.id)).toEqual([]);
  });
});
