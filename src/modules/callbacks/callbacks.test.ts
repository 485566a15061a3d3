import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/harness.js';
import { insertStaffAccount } from '../../../test/staff-support.js';
import type { StaffActor } from '../../platform/audit.js';
import type { OutboxVoiceProvider } from '../notifications/index.js';
import type { CallbackSummary, TextAheadSender } from './service.js';
import { isInsideWindow } from './windows.js';

let t: TestApp;
let agentA: StaffActor;
let agentB: StaffActor;
let admin: StaffActor;

/** A fake Text Ahead: answers "sent" while `on`, and remembers the asks. */
const asks: CallbackSummary[] = [];
let textAheadOn = false;
const fakeTextAhead: TextAheadSender = {
  askBeforeCall: (c) => {
    asks.push(c);
    return Promise.resolve(textAheadOn ? new Date(t.clock.now().getTime() + 3600_000) : undefined);
  },
};

beforeAll(async () => {
  t = await createTestApp();
  agentA = { accountId: await insertStaffAccount(t, 'cb.agent.a@agency.example'), roles: ['tier1', 'tier2'] };
  agentB = { accountId: await insertStaffAccount(t, 'cb.agent.b@agency.example'), roles: ['tier1'] };
  admin = { accountId: await insertStaffAccount(t, 'cb.admin@agency.example'), roles: ['administrator'] };
});
afterAll(async () => t?.close());

const db = () => t.deps.database.db;
const cb = () => t.services.callbacks;

/** Every open callback closed, so that each test starts with empty lines (the app and clock are shared). */
beforeEach(async () => {
  await db()
    .updateTable('callbacks')
    .set({ status: 'cancelled', closed_at: t.clock.now() })
    .where('status', 'in', ['pending', 'waiting_text', 'claimed'])
    .execute();
  await db().updateTable('callback_settings').set({ high_volume: false }).execute();
  cb().useTextAhead(undefined);
  textAheadOn = false;
  asks.length = 0;
});

/** A service item in a tier queue, owned by an office (its time zone times the callback), in the customer's language. */
async function item(p: { office?: string; queue?: string; language?: 'en' | 'es'; email?: string } = {}) {
  const row = await t.services.serviceItems.create({
    channel: 'phone',
    type: 'case_status',
    queue: p.queue ?? 'tier1',
    contact: { name: 'Customer', email: p.email ?? 'customer@example.com', phone: '+12025550143' },
    language: p.language ?? 'en',
    subject: 'Call me back',
    description: 'Needs a callback.',
    dueInMs: 86_400_000,
  });
  if (p.office)
    await db().updateTable('service_items').set({ office_code: p.office }).where('id', '=', row.id).execute();
  return row;
}

async function request(itemId: string, phones = ['+12025550143'], language: 'en' | 'es' = 'en') {
  return cb().request({ itemId, phones, language, source: 'voice_assistant' });
}

describe('callback requests (CB-1, CB-2)', () => {
  it('refuses a missing item and numbers that are not E.164', async () => {
    t.clock.set('2026-12-07T14:00:00Z');
    await expect(request('00000000-0000-4000-8000-000000000000')).rejects.toMatchObject({ code: 'item_not_found' });
    const i = await item();
    await expect(request(i.id, ['202-555-0143'])).rejects.toMatchObject({ code: 'bad_phone' });
    await expect(request(i.id, [])).rejects.toMatchObject({ code: 'bad_phone' });
  });

  it('times the callback for the case’s filing office, not the phone’s area code', async () => {
    // Monday 2026-12-07 14:00 UTC: 9 a.m. in New York, 6 a.m. in Los Angeles.
    t.clock.set('2026-12-07T14:00:00Z');
    const csc = await db()
      .selectFrom('cases')
      .select('id')
      .where('office_code', '=', 'CSC')
      .where('section_1367', '=', false)
      .executeTakeFirstOrThrow();
    const i = await item();
    await db().updateTable('service_items').set({ case_id: csc.id }).where('id', '=', i.id).execute();
    // A New York number (212): the case is in California.
    const place = await request(i.id, ['+12125550100']);
    expect(place.timeZone).toBe('America/Los_Angeles');
    expect(place.earliestAt.toISOString()).toBe('2026-12-07T16:00:00.000Z');
    expect(place.position).toBe(1);
    // Without a case or office: the agency's zone (America/New_York in the tests), open now.
    t.clock.advance(60_000);
    const other = await request((await item()).id);
    expect(other.timeZone).toBe('America/New_York');
    expect(other.earliestAt.toISOString()).toBe('2026-12-07T14:01:00.000Z');
    expect(other.position).toBe(2);
    // Asking again for the same item keeps its callback and place; a new number is added after the first.
    const again = await request(i.id, ['+13105550199']);
    expect(again).toEqual(place);
    expect((await cb().byId(place.callbackId))!.phones).toEqual(['+12125550100', '+13105550199']);
  });
});

describe('one national first-in-first-out line per tier, inside each customer’s window (CB-1)', () => {
  it('offers the oldest callback whose window is open, across zones', async () => {
    t.clock.set('2026-12-07T14:00:00Z'); // 9 a.m. New York, 6 a.m. Los Angeles, 4 a.m. Honolulu
    const la = await request((await item({ office: 'FO-LOS' })).id);
    t.clock.advance(60_000);
    const ny = await request((await item({ office: 'FO-NYC' })).id);
    t.clock.advance(60_000);
    const hnl = await request((await item({ office: 'FO-HNL' })).id);
    t.clock.advance(60_000);
    const ny2 = await request((await item({ office: 'VSC' })).id);
    const tier2 = await request((await item({ office: 'FO-NYC', queue: 'tier2' })).id);
    expect([la.position, ny.position, hnl.position, ny2.position, tier2.position]).toEqual([1, 2, 3, 4, 1]);

    expect((await cb().nextDue(['tier1']))!.id).toBe(ny.callbackId);
    const picks: string[] = [];
    for (let i = 0; i < 3; i++) picks.push((await cb().claimNext(agentB, ['tier1']))?.id ?? 'none');
    expect(picks).toEqual([ny.callbackId, ny2.callbackId, 'none']);
    const answer = (id: string) => cb().recordOutcome(agentB, id, { phone: '+12025550143', outcome: 'answered' });
    for (const id of [ny.callbackId, ny2.callbackId]) await answer(id);
    // 8:05 a.m. in Los Angeles; Honolulu still asleep.
    t.clock.set('2026-12-07T16:05:00Z');
    expect((await cb().claimNext(agentB, ['tier1']))!.id).toBe(la.callbackId);
    expect(await cb().claimNext(agentB, ['tier1'])).toBeUndefined();
    await answer(la.callbackId);
    t.clock.set('2026-12-07T18:00:00Z');
    const h = (await cb().claimNext(agentB, ['tier1']))!;
    expect(h.id).toBe(hnl.callbackId);
    expect(isInsideWindow(t.clock.now(), h.time_zone, false)).toBe(true);
    // Tier 2's line is its own: only an agent of Tier 2 gets it.
    expect((await cb().claimNext(agentA, ['tier1', 'tier2']))!.id).toBe(tier2.callbackId);
  });

  it('moves a callback whose window closed to the next opening', async () => {
    t.clock.set('2026-12-07T22:00:00Z'); // 5 p.m. New York
    const place = await request((await item({ office: 'FO-NYC' })).id);
    expect(place.earliestAt.toISOString()).toBe('2026-12-07T22:00:00.000Z');
    t.clock.set('2026-12-08T01:00:00Z'); // 8 p.m.: the first attempt's window closed at 7:30
    expect(await cb().claimNext(agentB, ['tier1'])).toBeUndefined();
    const row = (await cb().get(place.callbackId))!;
    expect(row.next_attempt_at.toISOString()).toBe('2026-12-08T13:00:00.000Z');
    t.clock.set('2026-12-08T13:00:00Z');
    expect((await cb().claimNext(agentB, ['tier1']))!.id).toBe(place.callbackId);
  });

  it('waits for Monday on a weekend unless an administrator turns on high-volume mode (audited)', async () => {
    t.clock.set('2026-12-05T15:00:00Z'); // Saturday 10 a.m. New York
    const place = await request((await item({ office: 'FO-NYC' })).id);
    expect(place.earliestAt.toISOString()).toBe('2026-12-07T13:00:00.000Z');
    expect(await cb().claimNext(agentB, ['tier1'])).toBeUndefined();
    await cb().setHighVolume(admin, true);
    expect((await cb().get(place.callbackId))!.next_attempt_at.toISOString()).toBe('2026-12-05T15:00:00.000Z');
    const audit = await db()
      .selectFrom('audit_log')
      .select(['action', 'actor_id'])
      .where('action', '=', 'callbacks.high_volume_changed')
      .execute();
    expect(audit).toContainEqual({ action: 'callbacks.high_volume_changed', actor_id: admin.accountId });
    expect((await cb().claimNext(agentB, ['tier1']))!.id).toBe(place.callbackId);
  });

  it('never gives one callback to two agents claiming at once', async () => {
    t.clock.set('2026-12-07T15:00:00Z');
    const ids = new Set<string>();
    for (let i = 0; i < 6; i++) ids.add((await request((await item({ office: 'FO-NYC' })).id)).callbackId);
    const agents = [agentA, agentB, agentA, agentB, agentA, agentB, agentA, agentB];
    const claims = await Promise.all(agents.map((a) => cb().claimNext(a, ['tier1'])));
    const got = claims.filter((c) => c !== undefined).map((c) => c.id);
    expect(got).toHaveLength(6);
    expect(new Set(got)).toEqual(ids);
  });
});

describe('federal holidays close the calling windows (CB-1, BusinessCalendar)', () => {
  it('a callback asked for the evening before Thanksgiving is placed on the next business day, not on the holiday', async () => {
    // Wednesday 2026-11-25 at 8 p.m. in New York.
    t.clock.set('2026-11-26T01:00:00Z');
    const place = await request((await item({ office: 'FO-NYC' })).id);
    expect(place.earliestAt.toISOString()).toBe('2026-11-27T13:00:00.000Z');
    // Thanksgiving Day, 10 a.m.: nobody is offered it.
    t.clock.set('2026-11-26T15:00:00Z');
    expect(await cb().nextDue(['tier1'])).toBeUndefined();
    expect(await cb().claimNext(agentA, ['tier1'])).toBeUndefined();
    // Friday 8 a.m. EST: it is due, and claimed inside its window.
    t.clock.set('2026-11-27T13:00:00Z');
    const claimed = await cb().claimNext(agentA, ['tier1']);
    expect(claimed!.id).toBe(place.callbackId);
    expect(isInsideWindow(t.clock.now(), claimed!.time_zone, false)).toBe(true);
  });

  it('in high-volume mode the holiday has its window (the administrator’s switch opens weekends and holidays)', async () => {
    t.clock.set('2026-11-26T01:00:00Z');
    await cb().setHighVolume(admin, true);
    const place = await request((await item({ office: 'FO-NYC' })).id);
    expect(place.earliestAt.toISOString()).toBe('2026-11-26T13:00:00.000Z');
    t.clock.set('2026-11-26T15:00:00Z');
    expect((await cb().claimNext(agentA, ['tier1']))!.id).toBe(place.callbackId);
    await cb().setHighVolume(admin, false);
  });
});

describe('two attempts, each trying the numbers in order (CB-2, CB-3)', () => {
  it('voicemail, a second attempt 60-90 minutes later, then the email and the closed item', async () => {
    t.clock.set('2026-12-07T15:00:00Z'); // 10 a.m. New York
    const i = await item({ office: 'FO-NYC', language: 'es', email: 'cliente@example.com' });
    const place = await request(i.id, ['+12025550143', '+12025550199'], 'es');
    const c = (await cb().claimNext(agentB, ['tier1']))!;
    expect(c.id).toBe(place.callbackId);
    // The first number: voicemail; the second number is still to try in this attempt.
    expect(await cb().recordOutcome(agentB, c.id, { phone: '+12025550143', outcome: 'voicemail' })).toEqual({
      result: 'next_number',
    });
    await expect(cb().recordOutcome(agentA, c.id, { phone: '+12025550199', outcome: 'busy' })).rejects.toMatchObject({
      code: 'not_yours',
    });
    t.clock.advance(2 * 60_000);
    const first = await cb().recordOutcome(agentB, c.id, { phone: '+12025550199', outcome: 'no_answer' });
    expect(first.result).toBe('second_attempt');
    const gap = first.nextAttemptAt!.getTime() - t.clock.now().getTime();
    expect(gap).toBeGreaterThanOrEqual(60 * 60_000);
    expect(gap).toBeLessThanOrEqual(90 * 60_000);
    // Not offered before the hour; at the front of the line after it, before an older first attempt.
    t.clock.advance(59 * 60_000);
    const older = await request((await item({ office: 'FO-NYC' })).id);
    expect(await cb().nextDue(['tier1'])).toMatchObject({ id: older.callbackId });
    t.clock.advance(60_000);
    expect((await cb().nextDue(['tier1']))!.id).toBe(c.id);
    const second = (await cb().claimNext(agentA, ['tier1']))!;
    expect(second.id).toBe(c.id);
    expect(second.attempts).toBe(1);
    await cb().recordOutcome(agentA, c.id, { phone: '+12025550143', outcome: 'no_answer' });
    const last = await cb().recordOutcome(agentA, c.id, { phone: '+12025550199', outcome: 'wrong_number' });
    expect(last.result).toBe('unreached');

    const after = (await cb().get(c.id))!;
    expect(after).toMatchObject({ status: 'unreached', attempts: 2 });
    const closed = (await t.services.serviceItems.byId(i.id))!;
    expect(closed).toMatchObject({ status: 'closed', resolution: 'no_response' });
    const mail = await db()
      .selectFrom('notification_messages')
      .selectAll()
      .where('template', '=', 'callback_unreached')
      .where('recipient', '=', 'cliente@example.com')
      .executeTakeFirstOrThrow();
    expect(mail.language).toBe('es');
    expect(mail.body).toContain(`n.º ${i.number}`);
    expect(mail.body).toContain('/case-status');
    expect(mail.body).toContain('800-375-5283');
    const attempts = await cb().attempts(c.id);
    expect(attempts.map((a) => [a.attempt, a.outcome])).toEqual([
      [1, 'voicemail'],
      [1, 'no_answer'],
      [2, 'no_answer'],
      [2, 'wrong_number'],
    ]);
  });

  it('a second attempt whose 60 minutes run past the window waits for the next opening', async () => {
    t.clock.set('2026-12-08T00:20:00Z'); // 7:20 p.m. New York: a first attempt may still start
    const place = await request((await item({ office: 'FO-NYC' })).id);
    const c = (await cb().claimNext(agentB, ['tier1']))!;
    expect(c.id).toBe(place.callbackId);
    t.clock.set('2026-12-08T01:30:00Z'); // 8:30 p.m.
    const r = await cb().recordOutcome(agentB, c.id, { phone: c.phones[0]!, outcome: 'no_answer' });
    expect(r).toEqual({ result: 'second_attempt', nextAttemptAt: new Date('2026-12-08T13:00:00Z') });
  });

  it('answered: the callback is done and the agent keeps the item', async () => {
    t.clock.set('2026-12-07T15:00:00Z');
    const i = await item({ office: 'FO-NYC' });
    await request(i.id);
    const c = (await cb().claimNext(agentB, ['tier1']))!;
    expect(await cb().recordOutcome(agentB, c.id, { phone: c.phones[0]!, outcome: 'answered' })).toEqual({
      result: 'answered',
    });
    expect((await cb().get(c.id))!.status).toBe('answered');
    expect(await t.services.serviceItems.byId(i.id)).toMatchObject({
      status: 'in_progress',
      owner_id: agentB.accountId,
    });
  });
});

describe('Text Ahead control (CB-5, CB-6)', () => {
  async function agentRequest(office = 'FO-NYC') {
    const i = await item({ office });
    const place = await cb().request({
      itemId: i.id,
      phones: ['+12025550143'],
      language: 'en',
      source: 'agent',
      requestedBy: agentB.accountId,
    });
    return { i, place };
  }

  it('an agent’s request asks first; while the ask waits the callback is not offered', async () => {
    t.clock.set('2026-12-07T15:00:00Z');
    cb().useTextAhead(fakeTextAhead);
    textAheadOn = true;
    const { i, place } = await agentRequest();
    expect(asks).toEqual([
      expect.objectContaining({
        callbackId: place.callbackId,
        itemNumber: i.number,
        attempts: 0,
        phones: ['+12025550143'],
      }),
    ]);
    expect(await cb().byId(place.callbackId)).toMatchObject({ status: 'waiting_text' });
    expect(await cb().claimNext(agentB, ['tier1'])).toBeUndefined();
    // The voice assistant's requests are not asked (the caller is on the line).
    await request((await item()).id);
    expect(asks).toHaveLength(1);
  });

  it('without consent (no text sent) the callback waits in line at once', async () => {
    t.clock.set('2026-12-07T15:00:00Z');
    cb().useTextAhead(fakeTextAhead);
    const { place } = await agentRequest();
    expect(await cb().byId(place.callbackId)).toMatchObject({ status: 'pending' });
  });

  it('Y puts it at the front of the line', async () => {
    t.clock.set('2026-12-07T15:00:00Z');
    const older = await request((await item({ office: 'FO-NYC' })).id);
    cb().useTextAhead(fakeTextAhead);
    textAheadOn = true;
    const { place } = await agentRequest();
    await cb().confirmed(place.callbackId, t.clock.now());
    expect((await cb().claimNext(agentB, ['tier1']))!.id).toBe(place.callbackId);
    expect((await cb().claimNext(agentB, ['tier1']))!.id).toBe(older.callbackId);
    // A second reply changes nothing.
    await cb().declined(place.callbackId, t.clock.now());
    expect(await cb().byId(place.callbackId)).toMatchObject({ status: 'claimed', attempts: 0 });
  });

  it('N counts as an attempt; one more comes later the same business day', async () => {
    t.clock.set('2026-12-07T15:00:00Z');
    cb().useTextAhead(fakeTextAhead);
    textAheadOn = true;
    const { place } = await agentRequest();
    await cb().declined(place.callbackId, t.clock.now());
    expect(await cb().byId(place.callbackId)).toMatchObject({ status: 'pending', attempts: 1 });
    expect(await cb().claimNext(agentB, ['tier1'])).toBeUndefined();
    t.clock.advance(30 * 60_000);
    const c = (await cb().claimNext(agentB, ['tier1']))!;
    expect(c.id).toBe(place.callbackId);
    // That call is the last attempt.
    expect((await cb().recordOutcome(agentB, c.id, { phone: c.phones[0]!, outcome: 'no_answer' })).result).toBe(
      'unreached',
    );
  });

  it('Q closes the callback and its item', async () => {
    t.clock.set('2026-12-07T15:00:00Z');
    cb().useTextAhead(fakeTextAhead);
    textAheadOn = true;
    const { i, place } = await agentRequest();
    await cb().quit(place.callbackId, t.clock.now());
    expect(await cb().byId(place.callbackId)).toMatchObject({ status: 'quit' });
    expect(await t.services.serviceItems.byId(i.id)).toMatchObject({
      status: 'closed',
      resolution: 'no_action_needed',
    });
  });

  it('no reply within the hour counts as an attempt; the next call is the last', async () => {
    t.clock.set('2026-12-07T15:00:00Z');
    cb().useTextAhead(fakeTextAhead);
    textAheadOn = true;
    const { place } = await agentRequest();
    await cb().noReply(place.callbackId, t.clock.now());
    expect(await cb().byId(place.callbackId)).toMatchObject({ status: 'pending', attempts: 1 });
    // And an ask nobody answered is swept into "no reply" after its hour by the next pick.
    const second = await agentRequest();
    t.clock.advance(59 * 60_000);
    expect((await cb().claimNext(agentB, ['tier1']))!.id).toBe(place.callbackId);
    expect(await cb().byId(second.place.callbackId)).toMatchObject({ status: 'waiting_text' });
    t.clock.advance(60_000);
    expect((await cb().claimNext(agentB, ['tier1']))!.id).toBe(second.place.callbackId);
    expect(await cb().byId(second.place.callbackId)).toMatchObject({ attempts: 1 });
  });
});

describe('the help desk’s escalation (ACC-7)', () => {
  it('asks for a Tier 2 callback', async () => {
    t.clock.set('2026-12-07T15:00:00Z');
    const i = await item({ queue: 'help_desk' });
    await db().updateTable('service_items').set({ contact_phone: '(202) 555-0177' }).where('id', '=', i.id).execute();
    const row = (await t.services.serviceItems.byId(i.id))!;
    expect(await t.services.helpDesk.escalateToTier2(agentA, row, 'Needs a call')).toEqual({ ok: true });
    const [c] = await cb().ofItem(i.id);
    expect(c).toMatchObject({ tier: 'tier2', source: 'help_desk', phones: ['+12025550177'], status: 'pending' });
  });

  it('Tier 2’s attempts recorded on the help desk page are the callback’s attempts (one place)', async () => {
    t.clock.set('2026-12-07T15:00:00Z');
    const i = await item({ queue: 'help_desk' });
    await db().updateTable('service_items').set({ contact_phone: '(202) 555-0178' }).where('id', '=', i.id).execute();
    expect(
      await t.services.helpDesk.escalateToTier2(agentA, (await t.services.serviceItems.byId(i.id))!, 'Call'),
    ).toEqual({
      ok: true,
    });
    const row = () => t.services.serviceItems.byId(i.id).then((r) => r!);
    expect(await t.services.helpDesk.recordCallAttempt(agentA, await row(), false, 'Voicemail')).toEqual({
      closed: false,
    });
    const [c] = await cb().ofItem(i.id);
    expect(c).toMatchObject({ status: 'pending', attempts: 1, rank: 0 });
    expect(await t.services.helpDesk.recordCallAttempt(agentA, await row(), false, '')).toEqual({ closed: true });
    expect(await cb().get(c!.id)).toMatchObject({ status: 'unreached', attempts: 2 });
    expect((await cb().attempts(c!.id)).map((a) => [a.attempt, a.outcome])).toEqual([
      [1, 'no_answer'],
      [2, 'no_answer'],
    ]);
    expect(await row()).toMatchObject({ status: 'closed', resolution: 'no_response' });
  });

  it('one CB-3 chain: a miss on the callbacks console and one on the help desk page are the two attempts, either way round', async () => {
    t.clock.set('2026-12-07T15:00:00Z');
    const escalated = async (email: string, phone: string) => {
      const i = await item({ queue: 'help_desk', email });
      await db().updateTable('service_items').set({ contact_phone: phone }).where('id', '=', i.id).execute();
      await t.services.helpDesk.escalateToTier2(agentA, (await t.services.serviceItems.byId(i.id))!, 'Call');
      const [c] = await cb().ofItem(i.id);
      return { i, c: c!, row: () => t.services.serviceItems.byId(i.id).then((r) => r!) };
    };
    const noAnswerMails = (to: string) =>
      db()
        .selectFrom('notification_messages')
        .select(['template', 'body'])
        .where('recipient', '=', to)
        .where('template', 'in', ['help_request_no_answer', 'callback_unreached'])
        .execute();

    // The console first (voicemail: the second attempt 60-90 minutes on), then the help desk page: closed.
    const a = await escalated('hd.first.console@example.com', '+12025550191');
    expect((await cb().claimNext(agentA, ['tier2']))!.id).toBe(a.c.id);
    expect(await cb().recordOutcome(agentA, a.c.id, { phone: '+12025550191', outcome: 'voicemail' })).toMatchObject({
      result: 'second_attempt',
    });
    t.clock.advance(65 * 60_000);
    expect(await t.services.helpDesk.recordCallAttempt(agentA, await a.row(), false, 'No answer again')).toEqual({
      closed: true,
    });
    expect(await cb().get(a.c.id)).toMatchObject({ status: 'unreached', attempts: 2 });
    expect(await a.row()).toMatchObject({ status: 'closed', resolution: 'no_response' });
    const mailsA = await noAnswerMails('hd.first.console@example.com');
    expect(mailsA.map((m) => m.template)).toEqual(['help_request_no_answer']);
    expect(mailsA[0]!.body).toContain('/help/technical');

    // The help desk page first, then the console: the console's second miss ends the same chain.
    const b = await escalated('hd.first.page@example.com', '+12025550192');
    expect(await t.services.helpDesk.recordCallAttempt(agentA, await b.row(), false, 'Voicemail')).toEqual({
      closed: false,
    });
    t.clock.advance(65 * 60_000);
    expect((await cb().claimNext(agentA, ['tier2']))!.id).toBe(b.c.id);
    expect(await cb().recordOutcome(agentA, b.c.id, { phone: '+12025550192', outcome: 'no_answer' })).toEqual({
      result: 'unreached',
    });
    expect(await b.row()).toMatchObject({ status: 'closed', resolution: 'no_response' });
    expect((await noAnswerMails('hd.first.page@example.com')).map((m) => m.template)).toEqual([
      'help_request_no_answer',
    ]);
  });
});

describe('the dashboards: callbacks that reached nobody, with and without Text Ahead (CB-4)', () => {
  it('counts finished callbacks of the period by their text_ahead flag', async () => {
    t.clock.set('2026-12-09T15:00:00Z');
    const finish = async (textAhead: boolean, outcome: 'answered' | 'no_answer') => {
      const place = await request((await item({ office: 'FO-NYC' })).id);
      await db()
        .updateTable('callbacks')
        .set({ text_ahead: textAhead, attempts: 1 })
        .where('id', '=', place.callbackId)
        .execute();
      const c = (await cb().claimNext(agentB, ['tier1']))!;
      expect(c.id).toBe(place.callbackId);
      await cb().recordOutcome(agentB, c.id, { phone: c.phones[0]!, outcome });
    };
    await finish(false, 'no_answer');
    await finish(false, 'answered');
    await finish(true, 'answered');
    await finish(true, 'answered');
    const d = await t.services.dashboards.callbacks({
      from: '2026-12-09',
      to: '2026-12-09',
      timeZone: 'America/New_York',
    });
    expect(d.rows).toEqual([
      { textAhead: false, finished: 2, unreached: 1, share: 0.5 },
      { textAhead: true, finished: 2, unreached: 0, share: 0 },
    ]);
    expect(d).toMatchObject({ finished: 4, unreached: 1, share: 0.25 });
  });
});

describe('with the real Text Ahead wired (services.ts)', () => {
  it('an agent’s request texts first; the reply Y puts the callback first in line, Q closes the item', async () => {
    t.clock.set('2026-12-07T16:00:00Z');
    cb().useTextAhead(t.services.textAhead);
    const older = await request((await item({ office: 'FO-NYC' })).id);
    const ask = async (phone: string) => {
      const i = await item({ office: 'FO-NYC' });
      const consent = await t.services.textAhead.consent({ itemId: i.id, phone, language: 'en', channel: 'agent' });
      expect(consent.ok).toBe(true);
      const place = await cb().request({
        itemId: i.id,
        phones: [phone],
        language: 'en',
        source: 'agent',
        requestedBy: agentB.accountId,
      });
      return { i, place };
    };
    const yes = await ask('+12025550161');
    expect(await cb().byId(yes.place.callbackId)).toMatchObject({ status: 'waiting_text' });
    const text = await db()
      .selectFrom('notification_messages')
      .select('body')
      .where('template', '=', 'text_ahead_ask')
      .where('recipient', '=', '+12025550161')
      .executeTakeFirstOrThrow();
    expect(text.body).toContain(`#${yes.i.number}`);
    expect(await t.services.textAhead.reply('+12025550161', 'y')).toContain('Thank you for confirming');
    expect((await cb().claimNext(agentB, ['tier1']))!.id).toBe(yes.place.callbackId);
    expect((await cb().claimNext(agentB, ['tier1']))!.id).toBe(older.callbackId);

    const quit = await ask('+12025550162');
    await t.services.textAhead.reply('+12025550162', 'Q.');
    expect(await cb().byId(quit.place.callbackId)).toMatchObject({ status: 'quit' });
    expect(await t.services.serviceItems.byId(quit.i.id)).toMatchObject({ status: 'closed' });
  });
});

describe('review: a callback follows its item into Tier 3 when the case becomes Section 1367 (CC-6)', () => {
  it('is no longer offered to a Tier 1 agent once the item is protected', async () => {
    t.clock.set('2026-12-07T15:00:00Z'); // Monday 10 a.m. New York
    const c = await db()
      .selectFrom('cases')
      .select(['id', 'receipt_number'])
      .where('section_1367', '=', false)
      .executeTakeFirstOrThrow();
    const i = await item();
    await db().updateTable('service_items').set({ case_id: c.id }).where('id', '=', i.id).execute();
    await request(i.id);
    // The case becomes protected (a protection_updated event): case-events moves its open items to Tier 3.
    const { protectItemsOfCase } = await import('../service-items/index.js');
    await protectItemsOfCase(db(), c.id, c.receipt_number);
    expect(await t.services.serviceItems.byId(i.id)).toMatchObject({ section_1367: true, queue: 'tier3' });
    // agentB holds only tier1: the protected item's callback (and its page with the customer's name) must not reach them.
    const claimed = await cb().claimNext(agentB, ['tier1']);
    expect(claimed?.item_id).not.toBe(i.id);
    await db().updateTable('cases').set({ section_1367: false }).where('id', '=', c.id).execute();
  });
});

describe('review: the Text Ahead text (CB-5: "within the next 30 minutes") is not sent while the window is closed', () => {
  it('an agent asking on a Saturday (high-volume mode off) does not text the customer until the window opens', async () => {
    t.clock.set('2026-12-05T15:00:00Z'); // Saturday 10 a.m. New York: no calling window until Monday 8 a.m.
    cb().useTextAhead(fakeTextAhead);
    textAheadOn = true;
    const i = await item();
    const place = await cb().request({ itemId: i.id, phones: ['+12025550143'], language: 'en', source: 'agent' });
    expect(place.earliestAt.toISOString()).toBe('2026-12-07T13:00:00.000Z'); // Monday 8 a.m.
    // Texting now promises a call within 30 minutes that cannot come, and the unanswered hour burns attempt 1.
    expect(asks).toHaveLength(0);
  });
});

describe('review: a callback ends with its item', () => {
  it('is not offered after its service item was resolved by other means', async () => {
    t.clock.set('2026-12-07T15:00:00Z'); // Monday 10 a.m. New York
    const i = await item();
    await request(i.id);
    await t.services.serviceItems.record(
      i.id,
      { kind: 'resolved', actorId: agentA.accountId },
      { status: 'resolved', resolution: 'answered' },
    );
    const claimed = await cb().claimNext(agentB, ['tier1']);
    expect(claimed?.item_id).not.toBe(i.id);
  });
});

describe('callbacks follow their items (issue 16 review, points 2 and 3)', () => {
  it('the sweep moves a protected item’s callback to Tier 3’s line, where a Tier 3 agent gets it', async () => {
    t.clock.set('2026-12-07T15:00:00Z');
    const i = await item();
    const place = await request(i.id);
    await db()
      .updateTable('service_items')
      .set({ section_1367: true, queue: 'tier3' })
      .where('id', '=', i.id)
      .execute();
    expect(await cb().claimNext(agentA, ['tier1', 'tier2'])).toBeUndefined();
    t.clock.advance(61_000); // the next minute's sweep
    expect(await cb().claimNext(agentB, ['tier1'])).toBeUndefined();
    expect(await cb().get(place.callbackId)).toMatchObject({ tier: 'tier3', status: 'pending' });
    const tier3: StaffActor = { accountId: agentA.accountId, roles: ['tier3'] };
    expect((await cb().claimNext(tier3, ['tier3']))!.id).toBe(place.callbackId);
  });

  it('is cancelled once its item is closed: by the sweep, or when the agent holding it records an outcome', async () => {
    t.clock.set('2026-12-07T15:00:00Z');
    const i = await item();
    const place = await request(i.id);
    const held = await item();
    t.clock.advance(1000);
    const heldPlace = await request(held.id);
    const c = (await cb().claimNext(agentB, ['tier1']))!;
    expect(c.id).toBe(place.callbackId);
    const c2 = (await cb().claimNext(agentB, ['tier1']))!;
    expect(c2.id).toBe(heldPlace.callbackId);
    for (const id of [i.id, held.id])
      await t.services.serviceItems.record(id, { kind: 'resolved' }, { status: 'resolved', resolution: 'answered' });
    await expect(cb().recordOutcome(agentB, c.id, { phone: c.phones[0]!, outcome: 'answered' })).rejects.toMatchObject({
      code: 'closed_item',
    });
    expect(await cb().get(c.id)).toMatchObject({ status: 'cancelled' });
    expect(await t.services.serviceItems.byId(i.id)).toMatchObject({ status: 'resolved' });
    t.clock.advance(61_000);
    await cb().claimNext(agentA, ['tier1']);
    expect(await cb().get(c2.id)).toMatchObject({ status: 'cancelled' });
  });
});

describe('calls only inside the window; stale claims go back to the line (point 6)', () => {
  it('refuses to place a call or record an outcome after 9 p.m. local, and releases the claim', async () => {
    t.clock.set('2026-12-08T00:20:00Z'); // 7:20 p.m. New York
    const place = await request((await item({ office: 'FO-NYC' })).id);
    const c = (await cb().claimNext(agentB, ['tier1']))!;
    expect(c.id).toBe(place.callbackId);
    t.clock.set('2026-12-08T02:01:00Z'); // 9:01 p.m.
    await expect(
      cb().placeCall(agentB, c.id, { agentPhone: '+12025550100', phone: c.phones[0]! }),
    ).rejects.toMatchObject({ code: 'outside_window' });
    await expect(cb().recordOutcome(agentB, c.id, { phone: c.phones[0]!, outcome: 'no_answer' })).rejects.toMatchObject(
      { code: 'outside_window' },
    );
    expect(await cb().attempts(c.id)).toEqual([]);
    await cb().sweep();
    expect(await cb().get(c.id)).toMatchObject({ status: 'pending', claimed_by: null });
    expect((await cb().get(c.id))!.next_attempt_at.toISOString()).toBe('2026-12-08T13:00:00.000Z');
  });

  it('hands a claim nobody worked for 15 minutes back, in its place', async () => {
    t.clock.set('2026-12-07T15:00:00Z');
    const place = await request((await item({ office: 'FO-NYC' })).id);
    const c = (await cb().claimNext(agentB, ['tier1']))!;
    expect(c.id).toBe(place.callbackId);
    t.clock.advance(10 * 60_000);
    await cb().placeCall(agentB, c.id, { agentPhone: '+12025550100', phone: c.phones[0]! }); // worked
    t.clock.advance(10 * 60_000);
    expect(await cb().claimNext(agentA, ['tier1'])).toBeUndefined();
    t.clock.advance(6 * 60_000);
    expect((await cb().claimNext(agentA, ['tier1']))!.id).toBe(place.callbackId);
  });
});

describe('the unreached message without an email (point 5)', () => {
  it('texts the first number that did not reply STOP', async () => {
    t.clock.set('2026-12-07T15:00:00Z');
    const i = await item({ email: '' });
    await db()
      .insertInto('sms_opt_outs')
      .values({ phone: '+12025550171', opted_out_at: t.clock.now() })
      .onConflict((oc) => oc.column('phone').doNothing())
      .execute();
    await request(i.id, ['+12025550171', '+12025550172']);
    await db().updateTable('callbacks').set({ attempts: 1 }).where('item_id', '=', i.id).execute();
    const c = (await cb().claimNext(agentB, ['tier1']))!;
    expect(c.item_id).toBe(i.id);
    await cb().recordOutcome(agentB, c.id, { phone: '+12025550171', outcome: 'no_answer' });
    expect((await cb().recordOutcome(agentB, c.id, { phone: '+12025550172', outcome: 'busy' })).result).toBe(
      'unreached',
    );
    const texts = await db()
      .selectFrom('notification_messages')
      .select(['recipient', 'channel', 'body'])
      .where('template', '=', 'callback_unreached')
      .where('recipient', 'in', ['+12025550171', '+12025550172'])
      .execute();
    expect(texts).toEqual([expect.objectContaining({ recipient: '+12025550172', channel: 'sms' })]);
    expect(texts[0]!.body).toContain(`#${i.number}`);
  });
});

describe('Text Ahead only when someone can call (point 4) and never for Section 1367 items', () => {
  it('the Saturday request is texted on Monday once its window opens near the head of the line', async () => {
    t.clock.set('2026-12-05T15:00:00Z');
    cb().useTextAhead(fakeTextAhead);
    textAheadOn = true;
    const i = await item({ office: 'FO-NYC' });
    const place = await cb().request({ itemId: i.id, phones: ['+12025550143'], language: 'en', source: 'agent' });
    expect(asks).toHaveLength(0);
    expect(await cb().get(place.callbackId)).toMatchObject({ status: 'waiting_text', text_ahead_until: null });
    t.clock.set('2026-12-07T13:00:00Z'); // Monday 8 a.m.
    expect(await cb().claimNext(agentB, ['tier1'])).toBeUndefined();
    expect(asks.map((a) => a.callbackId)).toEqual([place.callbackId]);
    // The ask's own hour is the callback's (one clock).
    expect((await cb().get(place.callbackId))!.text_ahead_until!.toISOString()).toBe('2026-12-07T14:00:00.000Z');
  });

  it('after a "Y" the whole window applies, not the first attempt’s 7:30 p.m. limit', async () => {
    t.clock.set('2026-12-08T00:10:00Z'); // 7:10 p.m. New York
    cb().useTextAhead(fakeTextAhead);
    textAheadOn = true;
    const place = await cb().request({
      itemId: (await item({ office: 'FO-NYC' })).id,
      phones: ['+12025550143'],
      language: 'en',
      source: 'agent',
    });
    expect(asks).toHaveLength(1);
    t.clock.set('2026-12-08T00:40:00Z'); // 7:40 p.m.
    expect(await cb().confirmed(place.callbackId, t.clock.now())).toBe(true);
    expect((await cb().claimNext(agentB, ['tier1']))!.id).toBe(place.callbackId);
  });

  it('a Section 1367 item’s callback is not texted: it waits in Tier 3’s line at once', async () => {
    t.clock.set('2026-12-07T15:00:00Z');
    cb().useTextAhead(fakeTextAhead);
    textAheadOn = true;
    const i = await item();
    await db()
      .updateTable('service_items')
      .set({ section_1367: true, queue: 'tier3' })
      .where('id', '=', i.id)
      .execute();
    const place = await cb().request({ itemId: i.id, phones: ['+12025550143'], language: 'en', source: 'agent' });
    expect(asks).toHaveLength(0);
    expect(await cb().get(place.callbackId)).toMatchObject({ status: 'pending', tier: 'tier3' });
  });
});

describe('a late "Y" is answered truthfully (point 8)', () => {
  it('after the hour counted as no reply, the customer hears that the next attempt is the call', async () => {
    t.clock.set('2026-12-07T16:00:00Z');
    cb().useTextAhead(t.services.textAhead);
    const i = await item({ office: 'FO-NYC' });
    const phone = '+12025550163';
    expect((await t.services.textAhead.consent({ itemId: i.id, phone, language: 'en', channel: 'agent' })).ok).toBe(
      true,
    );
    const place = await cb().request({ itemId: i.id, phones: [phone], language: 'en', source: 'agent' });
    expect(await cb().get(place.callbackId)).toMatchObject({ status: 'waiting_text' });
    t.clock.advance(60 * 60_000);
    await cb().sweep();
    expect(await cb().get(place.callbackId)).toMatchObject({ status: 'pending', attempts: 1 });
    const answer = await t.services.textAhead.reply(phone, 'Y');
    expect(answer).not.toContain('Thank you for confirming');
    expect(answer).toContain('next attempt');
  });
});

describe('the pick asks service-items where the item stands (issue 16 benchmark point 2: no join in the claim)', () => {
  it('the agent’s page skips a resolved item’s callback (cancelled) and a protected one (to Tier 3, in its place)', async () => {
    t.clock.set('2026-12-07T15:00:00Z'); // Monday 10 a.m. New York
    const resolved = await item();
    const first = await request(resolved.id);
    t.clock.advance(1000);
    const moved = await item();
    const second = await request(moved.id);
    t.clock.advance(1000);
    const third = await request((await item()).id);
    await t.services.serviceItems.record(
      resolved.id,
      { kind: 'resolved' },
      { status: 'resolved', resolution: 'answered' },
    );
    await db()
      .updateTable('service_items')
      .set({ section_1367: true, queue: 'tier3' })
      .where('id', '=', moved.id)
      .execute();
    // Within the sweep's minute: only the pick itself sees that the first two no longer belong to Tier 1's line.
    expect((await cb().nextDue(['tier1']))!.id).toBe(third.callbackId);
    expect(await cb().get(first.callbackId)).toMatchObject({ status: 'cancelled', claimed_by: null });
    const movedRow = (await cb().get(second.callbackId))!;
    expect(movedRow).toMatchObject({ status: 'pending', tier: 'tier3', claimed_by: null });
    // Its place by requested_at is kept: ahead of a Tier 3 callback requested after it.
    t.clock.advance(1000);
    const later = await request((await item({ queue: 'tier3' })).id);
    expect((await cb().get(later.callbackId))!.tier).toBe('tier3');
    const tier3: StaffActor = { accountId: agentA.accountId, roles: ['tier3'] };
    expect((await cb().claimNext(tier3, ['tier3']))!.id).toBe(second.callbackId);
    expect((await cb().claimNext(agentB, ['tier1']))!.id).toBe(third.callbackId);
  });

  it('a claim that meets an item moved to Tier 2 hands it to Tier 2’s line and claims the next', async () => {
    t.clock.set('2026-12-07T15:00:00Z');
    const i = await item();
    const first = await request(i.id);
    t.clock.advance(1000);
    const next = await request((await item()).id);
    await db().updateTable('service_items').set({ queue: 'tier2' }).where('id', '=', i.id).execute();
    const c = (await cb().claimNext(agentB, ['tier1']))!;
    expect(c.id).toBe(next.callbackId);
    expect(await cb().get(first.callbackId)).toMatchObject({ status: 'pending', tier: 'tier2', claimed_by: null });
    expect((await cb().claimNext(agentA, ['tier2']))!.id).toBe(first.callbackId);
  });
});

describe('review: a claimed callback whose item left the agent’s tiers is no longer theirs to call (CC-6)', () => {
  const tier3: () => StaffActor = () => ({ accountId: agentA.accountId, roles: ['tier3'] });

  it('the item becomes Section 1367: the call and the outcome are refused, the callback goes to Tier 3’s line', async () => {
    t.clock.set('2026-12-07T15:00:00Z'); // Monday 10 a.m. New York
    const i = await item({ office: 'FO-NYC' });
    const place = await request(i.id);
    const c = (await cb().claimNext(agentB, ['tier1']))!;
    expect(c.id).toBe(place.callbackId);
    await db()
      .updateTable('service_items')
      .set({ section_1367: true, queue: 'tier3' })
      .where('id', '=', i.id)
      .execute();
    const voice = t.deps.voice as OutboxVoiceProvider;
    const lastCall = voice.calls.at(-1);
    await expect(
      cb().placeCall(agentB, c.id, { agentPhone: '+12025550100', phone: c.phones[0]! }),
    ).rejects.toMatchObject({ code: 'not_yours' });
    expect(voice.calls.at(-1)).toBe(lastCall); // no call placed
    expect(await cb().get(c.id)).toMatchObject({
      status: 'pending',
      tier: 'tier3',
      claimed_by: null,
      claimed_at: null,
    });
    expect(await cb().mine(agentB.accountId)).toEqual([]);
    await expect(cb().recordOutcome(agentB, c.id, { phone: c.phones[0]!, outcome: 'answered' })).rejects.toMatchObject({
      code: 'not_open',
    });
    expect(await cb().attempts(c.id)).toEqual([]);
    // In its place in Tier 3's line, where a Tier 3 agent takes it and works it.
    expect(await cb().claimNext(agentB, ['tier1'])).toBeUndefined();
    expect((await cb().claimNext(tier3(), ['tier3']))!.id).toBe(c.id);
    expect(await cb().recordOutcome(tier3(), c.id, { phone: c.phones[0]!, outcome: 'answered' })).toEqual({
      result: 'answered',
    });
  });

  it('an outcome recorded after the item became Section 1367 is refused and changes nothing else', async () => {
    t.clock.set('2026-12-07T15:00:00Z');
    const i = await item({ office: 'FO-NYC' });
    await request(i.id);
    // An agent of Tier 1 and 2 (not 3): the callback held stays theirs only while the item is not protected.
    const c = (await cb().claimNext(agentA, ['tier1', 'tier2']))!;
    expect(c.item_id).toBe(i.id);
    await db().updateTable('service_items').set({ section_1367: true }).where('id', '=', i.id).execute();
    await expect(cb().recordOutcome(agentA, c.id, { phone: c.phones[0]!, outcome: 'no_answer' })).rejects.toMatchObject(
      { code: 'not_yours' },
    );
    expect(await cb().get(c.id)).toMatchObject({ status: 'pending', tier: 'tier3', attempts: 0, claimed_by: null });
    expect(await cb().attempts(c.id)).toEqual([]);
    expect(await t.services.serviceItems.byId(i.id)).toMatchObject({ status: 'open' });
  });

  it('the item moves to a tier the agent does not work: refused, and the callback waits in that tier’s line', async () => {
    t.clock.set('2026-12-07T15:00:00Z');
    const i = await item({ office: 'FO-NYC' });
    await request(i.id);
    const c = (await cb().claimNext(agentB, ['tier1']))!;
    expect(c.item_id).toBe(i.id);
    await db().updateTable('service_items').set({ queue: 'tier2' }).where('id', '=', i.id).execute();
    await expect(cb().recordOutcome(agentB, c.id, { phone: c.phones[0]!, outcome: 'answered' })).rejects.toMatchObject({
      code: 'not_yours',
    });
    expect(await cb().get(c.id)).toMatchObject({ status: 'pending', tier: 'tier2', claimed_by: null });
    expect((await cb().claimNext(agentA, ['tier2']))!.id).toBe(c.id);
    // An agent who works the new tier keeps working it.
    expect(await cb().recordOutcome(agentA, c.id, { phone: c.phones[0]!, outcome: 'answered' })).toEqual({
      result: 'answered',
    });
  });

  it('handing it back still works: it goes to the line of its item’s tier', async () => {
    t.clock.set('2026-12-07T15:00:00Z');
    const i = await item({ office: 'FO-NYC' });
    await request(i.id);
    const c = (await cb().claimNext(agentB, ['tier1']))!;
    await db().updateTable('service_items').set({ section_1367: true }).where('id', '=', i.id).execute();
    await cb().release(agentB, c.id);
    expect(await cb().get(c.id)).toMatchObject({ status: 'pending', tier: 'tier3', claimed_by: null });
  });

  it('the sweep unclaims a claimed callback whose item changed tier (the agent does not keep it)', async () => {
    t.clock.set('2026-12-07T15:00:00Z');
    const i = await item({ office: 'FO-NYC' });
    await request(i.id);
    const c = (await cb().claimNext(agentB, ['tier1']))!;
    expect(c.item_id).toBe(i.id);
    await db()
      .updateTable('service_items')
      .set({ section_1367: true, queue: 'tier3' })
      .where('id', '=', i.id)
      .execute();
    t.clock.advance(61_000); // the next minute's sweep, long before the claim is stale
    await cb().sweep();
    expect(await cb().get(c.id)).toMatchObject({ status: 'pending', tier: 'tier3', claimed_by: null });
    expect(await cb().mine(agentB.accountId)).toEqual([]);
    expect((await cb().claimNext(tier3(), ['tier3']))!.id).toBe(c.id);
  });
});
