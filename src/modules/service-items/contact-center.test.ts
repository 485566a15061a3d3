import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiToken, caseEvent, caseIdOf, createTestApp, postCaseEvents, type TestApp } from '../../../test/harness.js';
import { insertStaffAccount } from '../../../test/staff-support.js';
import { routeItem, type RoutingInput } from './routing.js';
import type { RoutedItemInput, StaffWorker } from './service.js';

let t: TestApp;
const tier1: StaffWorker = { accountId: '', roles: ['tier1'] };
const tier2: StaffWorker = { accountId: '', roles: ['tier2'] };
const tier3: StaffWorker = { accountId: '', roles: ['tier3'] };
const officer: StaffWorker = { accountId: '', roles: ['officer'] };

/** Staff accounts to own items (the foreign keys want real accounts). */
const staffAccount = (email: string) => insertStaffAccount(t, email);

beforeAll(async () => {
  t = await createTestApp();
  tier1.accountId = await staffAccount('t1@agency.example');
  tier2.accountId = await staffAccount('t2@agency.example');
  tier3.accountId = await staffAccount('t3@agency.example');
  officer.accountId = await staffAccount('of@agency.example');
  const res = await postCaseEvents(t, [
    caseEvent('cc-1', 'EAC0911100001', 'case_received', '2026-01-05T15:00:00Z', { formCode: 'I-130' }),
    caseEvent('cc-2', 'IOE0911100002', 'case_received', '2026-02-05T15:00:00Z', {
      formCode: 'I-765',
      officeCode: 'FO-MIA',
    }),
    caseEvent('cc-3', 'IOE0911100003', 'case_received', '2026-02-05T15:00:00Z', { formCode: 'I-485' }),
  ]);
  expect(res.statusCode).toBe(200);
});
afterAll(async () => t?.close());

const item = (over: Partial<RoutedItemInput> = {}): RoutedItemInput => ({
  channel: 'phone',
  type: 'case_inquiry',
  contact: { name: 'Ana Caller', email: 'ana.caller@example.com' },
  language: 'en',
  subject: 'Where is my case?',
  description: 'It has been a while.',
  ...over,
});
const timeline = async (id: string) => (await t.services.serviceItems.timeline(id)).map((e) => e.kind);

describe('routing rules as data (issue 5 item 2)', () => {
  it('sends each kind of inquiry where the rules in the database say', async () => {
    const rules = await t.deps.database.db.selectFrom('routing_rules').selectAll().execute();
    const cases: [Partial<RoutingInput>, string, string | null][] = [
      [{}, 'tier1', 'non_urgent'],
      [{ urgent: true }, 'tier1', 'urgent'],
      [{ section1367: true }, 'tier3', null],
      [{ section1367: true, type: 'expedite_request', officeCode: 'VSC' }, 'tier3', null],
      [{ section1367: true, channel: 'technical_help_form' }, 'tier3', null],
      [{ channel: 'technical_help_form' }, 'help_desk', null],
      [{ type: 'technical_problem' }, 'help_desk', null],
      [{ type: 'expedite_request', officeCode: 'VSC' }, 'office:VSC', 'office_service_request'],
      [{ type: 'expedite_request' }, 'tier1', 'non_urgent'], // no case yet: Tier 1 finds the owning office
      [{ type: 'interview_reschedule', officeCode: 'FO-MIA' }, 'office:FO-MIA', 'office_service_request'],
      [{ type: 'oath_reschedule', officeCode: 'FO-CHI' }, 'office:FO-CHI', 'office_service_request'],
      [{ type: 'appointment_request', urgent: true }, 'tier2', 'urgent'],
      [{ channel: 'appointment_request', type: 'emergency_appointment', urgent: true }, 'tier2', 'urgent'],
      [{ channel: 'appointment_request', type: 'emergency_appointment' }, 'tier1', 'non_urgent'],
    ];
    for (const [over, queue, sla] of cases) {
      const route = routeItem(rules, {
        channel: 'e_request',
        type: 'case_inquiry',
        urgent: false,
        section1367: false,
        ...over,
      });
      expect([over, route.queue, route.slaPolicy]).toEqual([over, queue, sla]);
    }
  });

  it('routes by the linked case: its owning office, and its Section 1367 protection over everything else', async () => {
    const expedite = await t.services.serviceItems.createRouted(
      item({ channel: 'e_request', type: 'expedite_request', caseId: await caseIdOf(t, 'IOE0911100002') }),
    );
    expect(expedite.item).toMatchObject({
      queue: 'office:FO-MIA',
      office_code: 'FO-MIA',
      sla_policy: 'office_service_request',
      receipt_number: 'IOE0911100002',
    });
    // 30 calendar days (CC-7) from 2026-11-23: 2026-12-23, end of the day in New York.
    expect(expedite.expectation.dueAt.toISOString()).toBe('2026-12-24T04:59:59.999Z');
    const declared = await t.services.serviceItems.createRouted(item({ section1367: true }));
    expect(declared.item).toMatchObject({ queue: 'tier3', section_1367: true });
  });
});

describe('claiming the next item', () => {
  it('gives urgent items first, then the oldest; never a Section 1367 item to Tier 1 or 2; never the same item twice', async () => {
    const db = t.deps.database.db;
    await db.updateTable('service_items').set({ status: 'closed' }).execute(); // start from empty queues
    t.clock.set('2026-11-23T15:00:00Z');
    const old = await t.services.serviceItems.createRouted(item({ subject: 'old' }));
    t.clock.advance(60_000);
    const urgent = await t.services.serviceItems.createRouted(item({ subject: 'urgent', urgent: true }));
    t.clock.advance(60_000);
    const protectedOne = await t.services.serviceItems.createRouted(item({ subject: 'vawa', section1367: true }));
    // A case protected after its item was made: the item moves to Tier 3.
    const later = await t.services.serviceItems.createRouted(
      item({ subject: 'later protected', caseId: await caseIdOf(t, 'IOE0911100003') }),
    );
    expect(later.item.queue).toBe('tier1');
    await postCaseEvents(t, [
      caseEvent('cc-protect', 'IOE0911100003', 'protection_updated', '2026-11-23T15:05:00Z', { section1367: true }),
    ]);
    expect(
      await db
        .selectFrom('service_items')
        .select(['queue', 'section_1367'])
        .where('id', '=', later.item.id)
        .executeTakeFirst(),
    ).toEqual({ queue: 'tier3', section_1367: true });

    expect((await t.services.serviceItems.claimNext(tier1))?.id).toBe(urgent.item.id);
    expect((await t.services.serviceItems.claimNext(tier1))?.id).toBe(old.item.id);
    expect(await t.services.serviceItems.claimNext(tier1)).toBeUndefined();
    expect(await t.services.serviceItems.claimNext({ ...tier2, roles: ['tier1', 'tier2'] })).toBeUndefined();
    expect(await t.services.serviceItems.maySee(tier1, protectedOne.item)).toBe(false);
    expect(
      await t.services.serviceItems.maySee(
        { accountId: tier1.accountId, roles: ['tier1', 'tier2'] },
        { ...protectedOne.item, queue: 'tier1' },
      ),
    ).toBe(false);
    expect(await t.services.serviceItems.maySee(tier3, protectedOne.item)).toBe(true);
    const claimed = [
      (await t.services.serviceItems.claimNext(tier3))?.id,
      (await t.services.serviceItems.claimNext(tier3))?.id,
    ];
    expect(claimed.sort()).toEqual([protectedOne.item.id, later.item.id].sort());
    expect(await timeline(old.item.id)).toEqual(['created', 'claimed']);
  });

  it('hands out each item once however many agents claim at the same moment', async () => {
    const db = t.deps.database.db;
    await db.updateTable('service_items').set({ status: 'closed' }).where('status', '!=', 'closed').execute();
    const made = [];
    for (let i = 0; i < 30; i++)
      made.push((await t.services.serviceItems.createRouted(item({ subject: `item ${i}` }))).item.id);
    const agents = await Promise.all(Array.from({ length: 12 }, (_, i) => staffAccount(`agent${i}@agency.example`)));
    const claims = await Promise.all(
      agents.flatMap((accountId) =>
        Array.from({ length: 4 }, () => t.services.serviceItems.claimNext({ accountId, roles: ['tier1'] })),
      ),
    );
    const ids = claims.filter(Boolean).map((c) => c!.id);
    expect(ids).toHaveLength(30);
    expect(new Set(ids).size).toBe(30);
    expect(new Set(ids)).toEqual(new Set(made));
    const owners = await db.selectFrom('service_items').select(['id', 'owner_id']).where('id', 'in', made).execute();
    for (const o of owners) expect(claims.find((c) => c?.id === o.id)?.owner_id).toBe(o.owner_id);
  });
});

describe('SLA clocks (CC-4, CC-5, CC-7) with a fake clock', () => {
  it('gives non-urgent items 30 business days, skipping weekends and federal holidays', async () => {
    t.clock.set('2026-11-25T20:00:00Z'); // Wednesday before Thanksgiving
    const { item: it1, expectation } = await t.services.serviceItems.createRouted(item());
    // 30 business days after Nov 25 2026, skipping Thanksgiving (Nov 26), Christmas (Dec 25), New Year (Jan 1) and weekends: Mon Jan 11 2027.
    expect(expectation.dueLocalDate).toBe('2027-01-11');
    expect(it1.due_at.toISOString()).toBe('2027-01-12T04:59:59.999Z');
    expect(it1.priority).toBe(2);
  });

  it('pauses while waiting on the customer (each pause kept), then moves the due date by the business days paused', async () => {
    t.clock.set('2026-11-30T15:00:00Z'); // Monday
    const { item: created } = await t.services.serviceItems.createRouted(item());
    const due = created.due_at;
    t.clock.set('2026-12-01T15:00:00Z');
    await t.services.serviceItems.pauseClock(created.id, tier1, 'Asked for the A-Number');
    await expect(t.services.serviceItems.pauseClock(created.id, tier1, 'again')).rejects.toThrow('already_paused');
    expect(await t.services.serviceItems.checkSla(created.id)).toBe('ignored'); // paused clocks never breach
    t.clock.set('2026-12-03T15:00:00Z'); // Thursday: Tue, Wed and Thu paused, in part
    const newDue = await t.services.serviceItems.resumeClock(created.id, tier1);
    expect((newDue.getTime() - due.getTime()) / 86_400_000).toBeGreaterThanOrEqual(3);
    await expect(t.services.serviceItems.resumeClock(created.id, tier1)).rejects.toThrow('not_paused');
    const pauses = await t.deps.database.db
      .selectFrom('service_item_sla_pauses')
      .selectAll()
      .where('item_id', '=', created.id)
      .execute();
    expect(pauses).toHaveLength(1);
    expect(pauses[0]).toMatchObject({
      reason: 'Asked for the A-Number',
      paused_by: tier1.accountId,
      resumed_by: tier1.accountId,
    });
    expect(await timeline(created.id)).toEqual(['created', 'sla_paused', 'sla_resumed']);
  });

  it('escalates an urgent item unanswered after 72 hours to Tier 2 and emails the customer', async () => {
    t.clock.set('2026-12-04T21:00:00Z'); // Friday afternoon: the urgent clock runs through the weekend
    const { item: urgent, expectation } = await t.services.serviceItems.createRouted(
      item({ urgent: true, contact: { name: 'Uma', email: 'uma.urgent@example.com' } }),
    );
    expect(expectation.dueAt.toISOString()).toBe('2026-12-07T21:00:00.000Z');
    t.clock.set('2026-12-07T20:59:59Z');
    expect(await t.services.serviceItems.checkSla(urgent.id)).toBe('not_due');
    t.clock.set('2026-12-07T21:00:01Z');
    expect(await t.services.serviceItems.checkSla(urgent.id)).toBe('breached');
    const after = await t.services.serviceItems.byId(urgent.id);
    expect(after).toMatchObject({
      queue: 'tier2',
      status: 'escalated',
      priority: 1,
      owner_id: null,
      sla_policy: 'urgent',
    });
    expect(after!.breached_at).not.toBeNull();
    // Escalated, it is answered within 24-72 hours as the customer is told: a new urgent clock, watched again.
    expect(after!.due_at.toISOString()).toBe('2026-12-10T21:00:01.000Z');
    expect(await t.services.serviceItems.checkSla(urgent.id)).toBe('not_due');
    t.clock.set('2026-12-10T21:00:02Z');
    expect(await t.services.serviceItems.checkSla(urgent.id)).toBe('breached');
    expect(await t.services.serviceItems.checkSla(urgent.id)).toBe('ignored'); // once per clock
    expect((await t.services.serviceItems.byId(urgent.id))!.queue).toBe('tier2');
    const mail = await t.deps.database.db
      .selectFrom('notification_messages')
      .select(['template', 'body'])
      .where('recipient', '=', 'uma.urgent@example.com')
      .execute();
    expect(mail.map((m) => m.template)).toEqual(['service_item_escalated']);
    expect(mail[0]!.body).toContain(String(urgent.number));
  });

  it('follows an unanswered office service request with a secondary, then a tertiary request, 30 calendar days apart', async () => {
    t.clock.set('2026-12-01T15:00:00Z');
    const { item: primary } = await t.services.serviceItems.createRouted(
      item({ channel: 'e_request', type: 'expedite_request', caseId: await caseIdOf(t, 'EAC0911100001') }),
    );
    expect(primary.queue).toBe('office:VSC');
    t.clock.set('2026-12-31T15:00:00Z');
    expect(await t.services.serviceItems.checkSla(primary.id)).toBe('not_due');
    t.clock.set('2027-01-01T06:00:00Z');
    expect(await t.services.serviceItems.checkSla(primary.id)).toBe('follow_up');
    const db = t.deps.database.db;
    const secondary = await db
      .selectFrom('service_items')
      .selectAll()
      .where('parent_item_id', '=', primary.id)
      .executeTakeFirstOrThrow();
    expect(secondary).toMatchObject({ follow_up_level: 'secondary', queue: 'office:VSC', priority: 1 });
    t.clock.set('2027-02-01T06:00:00Z');
    expect(await t.services.serviceItems.checkSla(secondary.id)).toBe('follow_up');
    const tertiary = await db
      .selectFrom('service_items')
      .selectAll()
      .where('parent_item_id', '=', secondary.id)
      .executeTakeFirstOrThrow();
    expect(tertiary.follow_up_level).toBe('tertiary');
    t.clock.set('2027-03-05T06:00:00Z');
    expect(await t.services.serviceItems.checkSla(tertiary.id)).toBe('breached');
    expect(
      await db.selectFrom('service_items').select('id').where('parent_item_id', '=', tertiary.id).execute(),
    ).toHaveLength(0);

    // An office that answers the primary answers its follow-ups: none of them goes on (CC-7).
    t.clock.set('2027-04-01T15:00:00Z');
    const { item: again } = await t.services.serviceItems.createRouted(
      item({ channel: 'e_request', type: 'expedite_request', caseId: await caseIdOf(t, 'EAC0911100001') }),
    );
    t.clock.set('2027-05-02T15:00:00Z');
    expect(await t.services.serviceItems.checkSla(again.id)).toBe('follow_up');
    const followUp = await db
      .selectFrom('service_items')
      .selectAll()
      .where('parent_item_id', '=', again.id)
      .executeTakeFirstOrThrow();
    await t.services.serviceItems.resolve(again.id, officer, 'sent_to_office', 'Decided');
    expect((await t.services.serviceItems.byId(followUp.id))!.status).toBe('resolved');
    t.clock.set('2027-06-05T15:00:00Z');
    expect(await t.services.serviceItems.checkSla(followUp.id)).toBe('ignored');
  });

  it('ends a pause when the item goes to an office, and keeps a protected item in Tier 3 when an agent escalates it', async () => {
    t.clock.set('2027-01-04T15:00:00Z');
    const { item: paused } = await t.services.serviceItems.createRouted(
      item({ caseId: await caseIdOf(t, 'IOE0911100002') }),
    );
    await t.services.serviceItems.pauseClock(paused.id, tier1, 'Asked for a document');
    await t.services.serviceItems.routeToOffice(paused.id, tier1, 'FO-MIA', 'Office decides');
    const routed = await t.services.serviceItems.byId(paused.id);
    expect(routed!.sla_paused_at).toBeNull();
    expect(
      await t.deps.database.db
        .selectFrom('service_item_sla_pauses')
        .select('resumed_at')
        .where('item_id', '=', paused.id)
        .executeTakeFirstOrThrow(),
    ).toMatchObject({ resumed_at: expect.any(Date) });
    t.clock.set('2027-02-10T15:00:00Z');
    expect(await t.services.serviceItems.checkSla(paused.id)).toBe('follow_up'); // watched again

    const { item: protectedItem } = await t.services.serviceItems.createRouted(item({ section1367: true }));
    await t.services.serviceItems.escalate(protectedItem.id, tier3, 'Needs a supervisor', 'tier2');
    expect((await t.services.serviceItems.byId(protectedItem.id))!.queue).toBe('tier3');
  });

  it('protects the answered items of a case that becomes protected, and moves its open help desk items to Tier 3', async () => {
    const db = t.deps.database.db;
    const { token } = await apiToken(t, ['case_events:write']);
    await postCaseEvents(
      t,
      [caseEvent('cc-late-1', 'IOE0911100009', 'case_received', '2026-02-05T15:00:00Z', { formCode: 'I-485' })],
      token,
    );
    const id = await caseIdOf(t, 'IOE0911100009');
    const { item: answered } = await t.services.serviceItems.createRouted(
      item({ caseId: id, subject: 'answered long ago' }),
    );
    await t.services.serviceItems.resolve(answered.id, tier1, 'answered', '');
    const { item: technical } = await t.services.serviceItems.createRouted(
      item({ caseId: id, type: 'technical_problem' }),
    );
    expect(technical.queue).toBe('help_desk');
    await postCaseEvents(
      t,
      [caseEvent('cc-late-2', 'IOE0911100009', 'protection_updated', '2026-03-01T15:00:00Z', { section1367: true })],
      token,
    );
    expect(
      await db
        .selectFrom('service_items')
        .select(['status', 'section_1367'])
        .where('id', '=', answered.id)
        .executeTakeFirst(),
    ).toEqual({ status: 'resolved', section_1367: true });
    expect(
      await db
        .selectFrom('service_items')
        .select(['queue', 'section_1367'])
        .where('id', '=', technical.id)
        .executeTakeFirst(),
    ).toEqual({ queue: 'tier3', section_1367: true });
  });

  it('lets an agent answer, note, escalate with a reason, send to an office and resolve with a code', async () => {
    t.clock.set('2026-12-01T15:00:00Z');
    const { item: it1 } = await t.services.serviceItems.createRouted(
      item({ contact: { name: 'Rita', email: 'rita@example.com' }, caseId: await caseIdOf(t, 'IOE0911100002') }),
    );
    await t.services.serviceItems.note(it1.id, tier1, 'Caller verified');
    await t.services.serviceItems.reply(it1.id, tier1, 'Your case is being processed.');
    await t.services.serviceItems.escalate(it1.id, tier1, 'Needs a Tier 2 specialist');
    expect(await t.services.serviceItems.byId(it1.id)).toMatchObject({
      queue: 'tier2',
      sla_policy: 'urgent',
      priority: 1,
    });
    await t.services.serviceItems.routeToOffice(it1.id, tier2, 'FO-MIA', 'Interview reschedule');
    await expect(t.services.serviceItems.routeToOffice(it1.id, tier2, 'NOWHERE', 'x')).rejects.toThrow('no_office');
    await t.services.serviceItems.resolve(it1.id, officer, 'sent_to_office', 'Office will answer');
    await expect(t.services.serviceItems.note(it1.id, tier1, 'late')).rejects.toThrow('closed');
    expect(await timeline(it1.id)).toEqual(['created', 'note', 'reply', 'escalated', 'routed_to_office', 'resolved']);
    const after = await t.services.serviceItems.byId(it1.id);
    expect(after).toMatchObject({ status: 'resolved', resolution: 'sent_to_office', queue: 'office:FO-MIA' });
    expect(after!.first_response_at?.toISOString()).toBe('2026-12-01T15:00:00.000Z');
    const mail = await t.deps.database.db
      .selectFrom('notification_messages')
      .select('template')
      .where('recipient', '=', 'rita@example.com')
      .orderBy('created_at')
      .execute();
    // Resolving also tells the customer, with the satisfaction survey (issue 15 point 10).
    expect(mail.map((m) => m.template).sort()).toEqual([
      'service_item_escalated',
      'service_item_reply',
      'service_item_resolved',
    ]);
  });
});

describe('an item made closed as it comes (a self-served call)', () => {
  it('leaves exactly what create then record(closed) leave: status, resolution, both entries in order', async () => {
    const input = {
      channel: 'voice_assistant' as const,
      type: 'case_status',
      queue: 'tier1',
      contact: { name: 'Caller', email: '' },
      language: 'en' as const,
      subject: 'Self-served',
      description: 'status:found',
      dueInMs: 0,
    };
    const entry = { kind: 'voice_assistant_call', details: { outcome: 'self_served' } };
    const made = await t.services.serviceItems.create(input, undefined, { entry, resolution: 'answered' });
    const open = await t.services.serviceItems.create(input);
    await t.services.serviceItems.record(open.id, entry, { status: 'closed', resolution: 'answered' });
    const [a, b] = await Promise.all([made.id, open.id].map((id) => t.services.serviceItems.byId(id)));
    for (const row of [a!, b!]) {
      expect(row).toMatchObject({ status: 'closed', resolution: 'answered', queue: 'tier1' });
      expect(row.resolved_at).toEqual(row.created_at);
    }
    expect(await timeline(made.id)).toEqual(['created', 'voice_assistant_call']);
    expect(await timeline(made.id)).toEqual(await timeline(open.id));
    const details = (await t.services.serviceItems.timeline(made.id)).map((e) => e.details);
    expect(details[1]).toEqual({ outcome: 'self_served' });
  });
});
