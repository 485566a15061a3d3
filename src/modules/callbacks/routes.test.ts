import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/harness.js';
import { createStaffMember, type StaffPerson } from '../../../test/staff-support.js';
import { FakeClock } from '../../platform/clock.js';
import type { OutboxVoiceProvider } from '../notifications/index.js';

let t: TestApp;
let tier1: StaffPerson;
let admin: StaffPerson;
let qa: StaffPerson;

beforeAll(async () => {
  // Monday 2026-12-07 16:55 UTC (sessions last while the clock stays near; 9 a.m. in Los Angeles is 17:00).
  t = await createTestApp({ clock: new FakeClock('2026-12-07T16:55:00Z') });
  tier1 = await createStaffMember(t, {
    email: 'cb.tier1@agency.example',
    name: 'Cara Tier1',
    roles: ['tier1'],
    ip: '10.16.0.1',
  });
  admin = await createStaffMember(t, {
    email: 'cb.admin2@agency.example',
    name: 'Ada Admin',
    roles: ['administrator'],
    ip: '10.16.0.2',
  });
  qa = await createStaffMember(t, {
    email: 'cb.qa@agency.example',
    name: 'Quin QA',
    roles: ['quality_assurance'],
    ip: '10.16.0.3',
  });
});
afterAll(async () => t?.close());

async function newItem(language: 'en' | 'es' = 'es') {
  const row = await t.services.serviceItems.create({
    channel: 'phone',
    type: 'case_status',
    queue: 'tier1',
    contact: { name: 'Lucía Pérez', email: 'lucia@example.com', phone: '+12025550143' },
    language,
    subject: 'Callback',
    description: 'Please call back.',
    dueInMs: 86_400_000,
  });
  await t.deps.database.db
    .updateTable('service_items')
    .set({ office_code: 'FO-LOS' })
    .where('id', '=', row.id)
    .execute();
  return row;
}

describe('the agents’ callback pages', () => {
  it('are for the tiers and the help desk; the setting for administrators', async () => {
    expect((await qa.agent.get('/agent/callbacks')).statusCode).toBe(403);
    expect((await tier1.agent.get('/staff/callbacks/settings')).statusCode).toBe(403);
    expect((await tier1.agent.get('/agent')).statusCode).toBe(200);
    expect(tier1.agent.$('a[href="/agent/callbacks"]').length).toBe(1);
  });

  it('request from the item, take the next due with the customer’s local time, click-to-call, answered', async () => {
    // 9 a.m. in Los Angeles.
    t.clock.set('2026-12-07T17:00:00Z');
    const item = await newItem();
    let res = await tier1.agent.get(`/agent/items/${item.number}`);
    expect(tier1.agent.$(`a[href="/agent/items/${item.number}/callbacks"]`).length).toBe(1);
    res = await tier1.agent.get(`/agent/items/${item.number}/callbacks`);
    expect(res.statusCode).toBe(200);
    res = await tier1.agent.post(`/agent/items/${item.number}/callbacks`, {
      phone1: '555',
      phone2: '',
      language: 'es',
    });
    expect(res.statusCode).toBe(400);
    expect(tier1.agent.$('#error-summary').text()).toContain('valid phone number');
    expect(tier1.agent.$('#phone1').attr('aria-invalid')).toBe('true');
    res = await tier1.agent.post(`/agent/items/${item.number}/callbacks`, {
      phone1: '(202) 555-0143',
      phone2: '+1 310 555 0199',
      language: 'es',
    });
    expect(res.statusCode).toBe(303);
    res = await tier1.agent.get(res.headers.location as string);
    expect(tier1.agent.$('table').text()).toContain('+12025550143, +13105550199');
    expect(tier1.agent.$('table').text()).toContain('America/Los_Angeles');

    res = await tier1.agent.get('/agent/callbacks');
    expect(res.statusCode).toBe(200);
    expect(tier1.agent.$('.usa-summary-box').text()).toContain(`#${item.number}`);
    expect(tier1.agent.$('.usa-summary-box').text()).toContain('9:00');
    expect(tier1.agent.$('.usa-summary-box').text()).toContain('America/Los_Angeles');
    res = await tier1.agent.post('/agent/callbacks/claim', {});
    expect(res.statusCode).toBe(303);
    const page = res.headers.location as string;
    expect(page).toMatch(/^\/agent\/callbacks\/[0-9a-f-]{36}$/);
    res = await tier1.agent.get(page);
    expect(res.statusCode).toBe(200);
    // The voicemail message, in Spanish first (the customer's language), then English.
    const messages = tier1.agent.$('.usa-summary-box[lang]');
    expect(messages.first().attr('lang')).toBe('es');
    expect(messages.first().text()).toContain(`número ${item.number}`);
    expect(messages.last().text()).toContain('within 60 to 90 minutes');

    res = await tier1.agent.post(`${page}/call`, { phone: '+12025550143', agent_phone: 'not a phone' });
    expect(res.statusCode).toBe(400);
    res = await tier1.agent.post(`${page}/call`, { phone: '+12025550143', agent_phone: '(202) 555-0100' });
    expect(res.statusCode).toBe(200);
    const voice = t.deps.voice as OutboxVoiceProvider;
    expect(voice.calls.at(-1)).toMatchObject({ to: '+12025550100', customer: '+12025550143' });
    expect(voice.calls.at(-1)!.twiml).toContain('<Dial><Number>+12025550143</Number></Dial>');

    res = await tier1.agent.post(`${page}/outcome`, { phone: '+12025550143', outcome: 'maybe' });
    expect(res.statusCode).toBe(400);
    res = await tier1.agent.post(`${page}/outcome`, { phone: '+12025550143', outcome: 'answered' });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`/agent/items/${item.number}`);
    // Someone else's callback page is not found.
    expect((await admin.agent.get(page)).statusCode).toBe(403);
    expect((await tier1.agent.get(page)).statusCode).toBe(404);
  });

  it('administrators turn high-volume mode on and off', async () => {
    let res = await admin.agent.get('/staff/callbacks/settings');
    expect(res.statusCode).toBe(200);
    expect(admin.agent.$('a[href="/staff/callbacks/settings"]').length).toBeGreaterThan(0);
    res = await admin.agent.post('/staff/callbacks/settings', { high_volume: 'on' });
    expect(res.statusCode).toBe(303);
    expect((await t.services.callbacks.settings()).high_volume).toBe(true);
    await admin.agent.get('/staff/callbacks/settings?saved=1');
    expect(admin.agent.$('.usa-alert').text()).toContain('saved');
    await admin.agent.post('/staff/callbacks/settings', { high_volume: 'off' });
    expect((await t.services.callbacks.settings()).high_volume).toBe(false);
  });

  it('a callback whose item became Section 1367 is not shown to Tier 1; Tier 3’s voicemail names no agency', async () => {
    t.clock.set('2026-12-07T17:05:00Z');
    const item = await newItem('en');
    const place = await t.services.callbacks.request({
      itemId: item.id,
      phones: ['+12025550143'],
      language: 'en',
      source: 'voice_assistant',
    });
    await tier1.agent.get('/agent/callbacks');
    let res = await tier1.agent.post('/agent/callbacks/claim', {});
    expect(res.headers.location).toBe(`/agent/callbacks/${place.callbackId}`);
    await t.deps.database.db
      .updateTable('service_items')
      .set({ section_1367: true })
      .where('id', '=', item.id)
      .execute();
    expect((await tier1.agent.get(`/agent/callbacks/${place.callbackId}`)).statusCode).toBe(404);
    // Nor can Tier 1 still place the call it claimed: refused (not found), no call, the callback to Tier 3's line.
    const voice = t.deps.voice as OutboxVoiceProvider;
    const lastCall = voice.calls.at(-1);
    await tier1.agent.get('/agent/callbacks');
    res = await tier1.agent.post(`/agent/callbacks/${place.callbackId}/call`, {
      phone: '+12025550143',
      agent_phone: '(202) 555-0100',
    });
    expect(res.statusCode).toBe(404);
    expect(voice.calls.at(-1)).toBe(lastCall);
    expect(await t.services.callbacks.get(place.callbackId)).toMatchObject({
      status: 'pending',
      tier: 'tier3',
      claimed_by: null,
    });
    const tier3 = await createStaffMember(t, {
      email: 'cb.tier3@agency.example',
      name: 'Tess Tier3',
      roles: ['tier3'],
      ip: '10.16.0.5',
    });
    await tier3.agent.get('/agent/callbacks');
    res = await tier3.agent.post('/agent/callbacks/claim', {});
    expect(res.headers.location).toBe(`/agent/callbacks/${place.callbackId}`);
    await tier3.agent.get(res.headers.location as string);
    const messages = tier3.agent.$('.usa-summary-box[lang]');
    expect(messages.first().text()).toContain(`request number ${item.number}`);
    expect(messages.text()).not.toContain('Citizenship');
    expect(messages.text()).not.toContain('Ciudadanía');
  });

  it('pages in Spanish', async () => {
    await tier1.agent.get('/agent/callbacks?lang=es');
    expect(tier1.agent.$('h1').text()).toBe('Devoluciones de llamada');
  });
});
