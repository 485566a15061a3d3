import * as cheerio from 'cheerio';
import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestAgent } from '../../../test/agent.js';
import { createTestApp, type TestApp } from '../../../test/harness.js';
import { createStaffMember, insertStaffAccount, type StaffPerson } from '../../../test/staff-support.js';
import type { StaffWorker } from '../service-items/index.js';
import type { RoutedItemInput } from '../service-items/index.js';
import { barChart, columnChart, lineChart, niceScale } from './charts.js';
import { csvField } from '../../platform/csv.js';
import { DashboardService, readDashboardFilters, weekdaysIn, weeksOf } from './service.js';

/**
 * Contact Center dashboards (issue 5 item 8). The agency's time zone in the tests is America/New_York; "now" is
 * Monday 2026-11-23 10:00 there, so the default 30 days are Sunday 2026-10-25 to Monday 2026-11-23 (EDT until
 * 1 November, EST after).
 */

const NOW = '2026-11-23T15:00:00Z';
const EVIL = '=HYPERLINK("http://evil.example","<b>x</b>")';
let t: TestApp;
let qa: StaffPerson;
const worker: StaffWorker = { accountId: '', roles: ['tier1'] };
const ids: Record<string, string> = {};

const staffAccount = (email: string) => insertStaffAccount(t, email, '700000000123');

async function create(name: string, at: string, over: Partial<RoutedItemInput> = {}): Promise<string> {
  t.clock.set(at);
  const { item } = await t.services.serviceItems.createRouted({
    channel: 'phone',
    type: 'case_inquiry',
    contact: { name: 'Ana Caller', email: 'ana.caller@example.com' },
    language: 'en',
    subject: `Item ${name}`,
    description: 'Where is my case?',
    ...over,
  });
  ids[name] = item.id;
  return item.id;
}

async function replyAt(name: string, at: string) {
  t.clock.set(at);
  await t.services.serviceItems.reply(ids[name]!, worker, 'We are looking into it.');
}

async function resolveAt(name: string, at: string) {
  t.clock.set(at);
  await t.services.serviceItems.resolve(ids[name]!, worker, 'answered', '');
}

beforeAll(async () => {
  t = await createTestApp();
  worker.accountId = await staffAccount('worker@agency.example');
  // Mondays (CC-15): eight items, one of them at 22:30 on Monday in New York, which is Tuesday in UTC.
  await create('m1', '2026-11-02T15:00:00Z', { urgent: true });
  await create('m2', '2026-11-02T15:10:00Z', { urgent: true });
  await create('m3', '2026-11-02T15:20:00Z', { urgent: true, channel: 'chat' });
  await create('m4', '2026-11-02T15:30:00Z', { urgent: true, channel: 'e_request' });
  await create('m5', '2026-11-09T15:00:00Z');
  await create('m6', '2026-11-16T15:00:00Z');
  await create('m7', '2026-11-17T03:30:00Z', { channel: 'chat' });
  await create('m8', '2026-11-23T14:00:00Z');
  await create('tu1', '2026-11-10T15:00:00Z');
  await create('tu2', '2026-11-17T15:00:00Z', { channel: 'e_request' });
  // Wednesday 23:30 in New York, Thursday in UTC.
  await create('we1', '2026-11-19T04:30:00Z', { channel: 'chat' });
  // Section 1367 (CC-6): one in Tier 3, one put in Tier 2 by mistake; both count in Tier 3 only, never listed.
  await create('s1367a', '2026-11-12T15:00:00Z', { section1367: true, subject: 'VAWA private matter' });
  await create('s1367b', '2026-11-12T16:00:00Z', { section1367: true, subject: 'T visa private matter' });
  await t.deps.database.db.updateTable('service_items').set({ queue: 'tier2' }).where('id', '=', ids.s1367b!).execute();
  // Friday, in a queue whose name is a formula with markup (names come from the database).
  await create('fr1', '2026-11-20T20:00:00Z', { channel: 'secure_message' });
  await sql`insert into service_queues (code, kind, office_code, name_en, name_es) values ('office:EVIL', 'office', 'EVIL', ${EVIL}, ${EVIL})`.execute(
    t.deps.database.db,
  );
  await t.deps.database.db
    .updateTable('service_items')
    .set({ queue: 'office:EVIL' })
    .where('id', '=', ids.fr1!)
    .execute();
  // The first day of the period (00:30 on Sunday 25 October in New York), and the minute before it.
  await create('su1', '2026-10-25T04:30:00Z', { channel: 'voice_assistant' });
  await create('before', '2026-10-25T03:30:00Z');

  // First responses: phone after 1, 2, 3 and 10 hours; chat after 3; the e-Request resolved (so answered) after 24.
  await replyAt('m1', '2026-11-02T16:00:00Z');
  await replyAt('m2', '2026-11-02T17:10:00Z');
  await replyAt('m3', '2026-11-02T18:20:00Z');
  await replyAt('m5', '2026-11-09T18:00:00Z');
  await replyAt('m6', '2026-11-17T01:00:00Z');
  // SLA: the four urgent items are due 72 hours after creation (5 November). Three are resolved in time; the chat
  // one is breached by the clock and resolved late.
  await resolveAt('m1', '2026-11-03T15:00:00Z');
  await resolveAt('m4', '2026-11-03T15:30:00Z');
  await resolveAt('m2', '2026-11-04T15:00:00Z');
  t.clock.set('2026-11-05T16:00:00Z');
  expect(await t.services.serviceItems.checkSla(ids.m3!)).toBe('breached');
  await resolveAt('m3', '2026-11-06T15:00:00Z');

  t.clock.set(NOW);
  qa = await createStaffMember(t, {
    email: 'quinn.qa@agency.example',
    name: 'Quinn Quality',
    roles: ['quality_assurance'],
    ip: '10.8.0.1',
  });
});
afterAll(async () => t?.close());

const cells = (agent: TestAgent, caption: string) => agent.tableRows((text) => text.startsWith(caption));

const audits = async (action: string) =>
  t.deps.database.db
    .selectFrom('audit_log')
    .select(['actor_id', 'details'])
    .where('action', '=', action)
    .where('actor_id', '=', qa.accountId)
    .orderBy('id')
    .execute();

describe('Contact Center dashboards (issue 5 item 8)', () => {
  it('shows volume by channel and by weekday in the agency time zone, Mondays heaviest (CC-15)', async () => {
    const res = await qa.agent.get('/staff/dashboards');
    expect(res.statusCode).toBe(200);
    const $ = qa.agent.$;
    expect($('h1').text()).toBe('Contact Center dashboards');
    expect($('nav .usa-sidenav a[href="/staff/dashboards"]').attr('aria-current')).toBe('page');
    expect($('select[name=days] option[selected]').val()).toBe('30');
    expect($('#period').text()).toBe(
      'From Oct 25, 2026 to Nov 23, 2026, days and weeks by the clock of America/New_York.',
    );

    expect($('#channels-summary').text()).toBe('Phone brought the most items: 8 of 15 (53%).');
    expect(cells(qa.agent, 'Items created by channel')).toEqual([
      ['Phone', '8', '53%'],
      ['Chat', '3', '20%'],
      ['e-Request', '2', '13%'],
      ['Voice assistant', '1', '7%'],
      ['Secure message', '1', '7%'],
      ['Appointment request', '0', '0%'],
      ['Technical help form', '0', '0%'],
    ]);

    expect($('#weekdays-summary').text()).toBe('Mondays had the most items: 8 (53%).');
    expect(cells(qa.agent, 'Items created by weekday')).toEqual([
      ['Monday', '8', '53%', '5', '1.6'],
      ['Tuesday', '2', '13%', '4', '0.5'],
      ['Wednesday', '1', '7%', '4', '0.3'],
      ['Thursday', '2', '13%', '4', '0.5'],
      ['Friday', '1', '7%', '4', '0.3'],
      ['Saturday', '0', '0%', '4', '0.0'],
      ['Sunday', '1', '7%', '5', '0.2'],
    ]);
  });

  it('cuts the last 7 days by New York days: an item at 22:30 on Monday the 16th is outside, and ties are named together', async () => {
    await qa.agent.get('/staff/dashboards?days=7');
    const $ = qa.agent.$;
    expect($('#period').text()).toContain('From Nov 17, 2026 to Nov 23, 2026');
    expect($('#weekdays-summary').text()).toBe(
      'Mondays, Tuesdays, Wednesdays, and Fridays had the most items: 1 each (25% each).',
    );
    expect(cells(qa.agent, 'Items created by weekday').map((row) => row[1])).toEqual([
      '1',
      '1',
      '1',
      '0',
      '1',
      '0',
      '0',
    ]);
  });

  it('shows the backlog by queue now in the page language, Section 1367 items only as a number in Tier 3', async () => {
    await qa.agent.get('/staff/dashboards');
    const $ = qa.agent.$;
    const rows = cells(qa.agent, 'Items not yet resolved by queue and status');
    expect(rows).toContainEqual(['Tier 1', '7', '2', '0', '0', '9']);
    expect(rows).toContainEqual(['Tier 2', '0', '0', '0', '0', '0']);
    expect(rows).toContainEqual(['Tier 3 (Section 1367 and complex inquiries)', '2', '0', '0', '0', '2']);
    expect(rows).toContainEqual([EVIL, '1', '0', '0', '0', '1']);
    expect(rows.find((r) => r[0] === 'Vermont Service Center')).toBeUndefined(); // empty office queues are left out
    expect($('#backlog-summary').text()).toBe('12 items are waiting now; the most are in Tier 1: 9.');
    // Nothing about a single item is on the page.
    const body = qa.agent.last!.body;
    for (const secret of ['VAWA private matter', 'T visa private matter', 'ana.caller@example.com', 'Item m1'])
      expect(body).not.toContain(secret);
    // The queue name stays text: escaped in the table and in the chart.
    expect(body).not.toContain('<b>x</b>');
    expect(
      $('#chart-backlog text')
        .map((_, el) => $(el).text())
        .get(),
    ).toContain(EVIL);
  });

  it('shows SLA compliance and breaches per week', async () => {
    await qa.agent.get('/staff/dashboards');
    const $ = qa.agent.$;
    expect($('#sla-summary').text()).toBe('75% of the 4 items due in this period were resolved on time; 1 breach.');
    expect(cells(qa.agent, 'Items due each week')).toEqual([
      ['Oct 25, 2026', '0', '0', 'None', '0'],
      ['Oct 26, 2026 to Nov 1, 2026', '0', '0', 'None', '0'],
      ['Nov 2, 2026 to Nov 8, 2026', '4', '3', '75%', '1'],
      ['Nov 9, 2026 to Nov 15, 2026', '0', '0', 'None', '0'],
      ['Nov 16, 2026 to Nov 22, 2026', '0', '0', 'None', '0'],
      ['Nov 23, 2026', '0', '0', 'None', '0'],
    ]);
  });

  it('shows the median and 90th percentile hours to first response per week and by channel', async () => {
    await qa.agent.get('/staff/dashboards');
    const $ = qa.agent.$;
    // Answered after 1, 2, 3, 3, 10 and 24 hours: median 3, 90th percentile 10 + 0.5 × 14 = 17.
    expect($('#first-response-summary').text()).toBe(
      'Half of the 6 items answered got a first response within 3.0 hours, and 90% within 17.0 hours.',
    );
    const weeks = cells(qa.agent, 'Hours from creation to the first answer, by week');
    expect(weeks[2]).toEqual(['Nov 2, 2026 to Nov 8, 2026', '4', '4', '2.5', '17.7']);
    expect(weeks[3]).toEqual(['Nov 9, 2026 to Nov 15, 2026', '4', '1', '3.0', '3.0']);
    const channels = cells(qa.agent, 'Hours from creation to the first answer, by channel');
    expect(channels[0]).toEqual(['Phone', '8', '4', '2.5', '7.9']); // 1, 2, 3, 10 hours
    expect(channels[1]).toEqual(['Chat', '3', '1', '3.0', '3.0']);
    expect(channels[3]).toEqual(['e-Request', '2', '1', '24.0', '24.0']);
    expect(channels[4]).toEqual(['Secure message', '1', '0', 'None', 'None']);

    await qa.agent.get('/staff/dashboards?channel=phone');
    expect(qa.agent.$('#period').text()).toContain('Channel: Phone.');
    expect(cells(qa.agent, 'Items created by channel')).toEqual([['Phone', '8', '100%']]);
    expect(qa.agent.$('#first-response-summary').text()).toBe(
      'Half of the 4 items answered got a first response within 2.5 hours, and 90% within 7.9 hours.',
    );
    expect(qa.agent.$('#weekdays-summary').text()).toBe('Mondays had the most items: 5 (63%).');
  });

  it('draws every chart as an SVG image with a title and a description, with no script and no inline style', async () => {
    const res = await qa.agent.get('/staff/dashboards');
    const $ = qa.agent.$;
    const charts = $('svg');
    expect(charts.length).toBe(7); // channels, weekdays, backlog, SLA line, breaches, first response, voice assistant containment (no reviews yet)
    charts.each((_, svg) => {
      expect($(svg).attr('role')).toBe('img');
      const [titleId, descId] = $(svg).attr('aria-labelledby')!.split(' ');
      expect($(svg).find(`title#${titleId}`).text()).not.toBe('');
      expect($(svg).find(`desc#${descId}`).text()).not.toBe('');
    });
    expect($('#chart-weekdays-desc').text()).toBe(
      'Mondays had the most items: 8 (53%). The table after the chart has the same numbers.',
    );
    expect(
      $('#chart-first-response text')
        .map((_, el) => $(el).text())
        .get(),
    ).toEqual(expect.arrayContaining(['Median', '90th percentile']));
    expect(res.body).not.toMatch(/ style=/);
    expect($('main script')).toHaveLength(0);
    expect(res.headers['content-security-policy']).not.toContain('unsafe-inline');
    // Each section's table follows its chart.
    expect($('#channels-heading').parent().find('svg + table caption').text()).toMatch(/^Items created by channel/);
  });

  it('shows quality scores per week once reviews exist (the table comes with migration 0024)', async () => {
    await qa.agent.get('/staff/dashboards');
    expect(qa.agent.$('#quality-summary').text()).toBe('No quality reviews yet for this period.');
    expect(qa.agent.$('#quality-csv')).toHaveLength(0);
    const db = t.deps.database.db;
    const exists = await sql<{
      n: number;
    }>`select count(*)::int as n from information_schema.tables where table_schema = current_schema() and table_name = 'quality_reviews'`.execute(
      db,
    );
    // Without the table (before migration 0024), the dashboards say so instead of failing.
    const withoutTable = async () => {
      const fresh = new DashboardService({ db, clock: t.clock, timeZone: 'America/New_York' });
      expect(
        await fresh.quality({
          from: '2026-10-25',
          to: '2026-11-23',
          timeZone: 'America/New_York',
          channel: null,
          now: t.clock.now(),
        }),
      ).toMatchObject({ available: false, reviews: 0, average: null });
    };
    if (exists.rows[0]!.n) {
      await sql`alter table quality_reviews rename to quality_reviews_away`.execute(db);
      await withoutTable().finally(() => sql`alter table quality_reviews_away rename to quality_reviews`.execute(db));
    } else await withoutTable();
    if (!exists.rows[0]!.n) {
      await sql`create table quality_reviews (id uuid primary key, item_id uuid not null references service_items (id), reviewer_id uuid not null references accounts (id), agent_id uuid references accounts (id), created_at timestamptz not null, scores jsonb not null, total numeric(5,2) not null, wrong_answer boolean not null default false)`.execute(
        db,
      );
    }
    const scores = JSON.stringify({ greeting: 4, verification: 4, accuracy: 3, resolution: 3, courtesy: 4 });
    const review = async (item: string, at: string, total: number, wrong: boolean) =>
      sql`insert into quality_reviews (id, item_id, reviewer_id, agent_id, created_at, scores, total, wrong_answer) values (${t.deps.random.uuid()}, ${ids[item]!}, ${qa.accountId}, ${worker.accountId}, ${at}, ${scores}::jsonb, ${total}, ${wrong})`.execute(
        db,
      );
    await review('m1', '2026-11-03T20:00:00Z', 80, false);
    await review('m2', '2026-11-04T20:00:00Z', 90, true);
    await review('m5', '2026-11-10T20:00:00Z', 70, false);
    await review('m3', '2026-10-01T20:00:00Z', 10, true); // before the period

    await qa.agent.get('/staff/dashboards');
    const $ = qa.agent.$;
    expect($('#quality-summary').text()).toBe('The 3 reviews in this period scored 80.0 out of 100 on average.');
    expect(cells(qa.agent, 'Quality reviews by week').slice(2, 4)).toEqual([
      ['Nov 2, 2026 to Nov 8, 2026', '2', '85.0', '1'],
      ['Nov 9, 2026 to Nov 15, 2026', '1', '70.0', '0'],
    ]);
    expect($('svg#chart-quality')).toHaveLength(1);
    await qa.agent.get('/staff/dashboards?channel=chat');
    expect(qa.agent.$('#quality-summary').text()).toBe('No quality reviews yet for this period.');
    const csv = await qa.agent.get('/staff/dashboards/quality.csv?days=30&channel=phone');
    expect(csv.body.split('\r\n').slice(3, 5)).toEqual([
      '2026-11-02,2026-11-08,2,85,1',
      '2026-11-09,2026-11-15,1,70,0',
    ]);
  });

  it('exports each dataset as CSV: BOM, RFC 4180, formula cells neutralized, the same filters, audited', async () => {
    await qa.agent.get('/staff/dashboards');
    expect(qa.agent.$('#channels-csv').attr('href')).toBe('/staff/dashboards/channels.csv?days=30');
    const res = await qa.agent.get('/staff/dashboards/channels.csv?days=30');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe('attachment; filename="dashboard-channels-2026-11-23-30d.csv"');
    expect(res.headers['cache-control']).toBe('no-store');
    expect([...res.rawPayload.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(res.body).toBe(
      '\uFEFFchannel,items\r\nphone,8\r\nchat,3\r\ne_request,2\r\nvoice_assistant,1\r\nsecure_message,1\r\nappointment_request,0\r\ntechnical_help_form,0\r\n',
    );

    const weekdays = await qa.agent.get('/staff/dashboards/weekdays.csv?days=7');
    expect(weekdays.body.split('\r\n').slice(0, 3)).toEqual([
      '\uFEFFiso_weekday,weekday,items,days_in_period',
      '1,monday,1,1',
      '2,tuesday,1,1',
    ]);

    const backlog = await qa.agent.get('/staff/dashboards/backlog.csv');
    const lines = backlog.body.split('\r\n');
    expect(lines[0]).toBe('\uFEFFqueue,queue_name,open,in_progress,escalated,waiting_on_customer,total');
    expect(lines).toContain('tier1,Tier 1,7,2,0,0,9');
    expect(lines).toContain('tier3,Tier 3 (Section 1367 and complex inquiries),2,0,0,0,2');
    expect(lines).toContain(`office:EVIL,"'=HYPERLINK(""http://evil.example"",""<b>x</b>"")",1,0,0,0,1`);
    expect(backlog.body).not.toContain('VAWA');
    const spanish = await qa.agent.get('/staff/dashboards/backlog.csv?lang=es');
    expect(spanish.body.split('\r\n')).toContain('tier1,Nivel 1,7,2,0,0,9');
    await qa.agent.get('/staff/dashboards?lang=en');

    const sla = await qa.agent.get('/staff/dashboards/sla.csv');
    expect(sla.body.split('\r\n').slice(0, 4)).toEqual([
      '\uFEFFweek_start,week_end,due,resolved_on_time,compliance_percent,breaches',
      '2026-10-25,2026-10-25,0,0,,0',
      '2026-10-26,2026-11-01,0,0,,0',
      '2026-11-02,2026-11-08,4,3,75,1',
    ]);

    const fr = await qa.agent.get('/staff/dashboards/first-response.csv?channel=chat');
    expect(fr.headers['content-disposition']).toBe(
      'attachment; filename="dashboard-first-response-2026-11-23-30d-chat.csv"',
    );
    expect(fr.body.split('\r\n')).toEqual(
      expect.arrayContaining(['2026-11-02,2026-11-08,all,1,1,3,3', '2026-11-02,2026-11-08,chat,1,1,3,3']),
    );

    const exported = await audits('dashboards.exported');
    expect(exported.map((e) => (e.details as { dataset: string }).dataset)).toEqual(
      expect.arrayContaining(['channels', 'weekdays', 'backlog', 'sla', 'first-response']),
    );
    expect(exported.find((e) => (e.details as { dataset: string }).dataset === 'first-response')!.details).toEqual({
      dataset: 'first-response',
      days: 30,
      from: '2026-10-25',
      to: '2026-11-23',
      channel: 'chat',
      timeZone: 'America/New_York',
    });
    const viewed = await audits('dashboards.viewed');
    expect(viewed.length).toBeGreaterThan(5);
    expect(viewed[0]!.details).toEqual({
      days: 30,
      from: '2026-10-25',
      to: '2026-11-23',
      channel: null,
      timeZone: 'America/New_York',
    });

    // A HEAD request exports nothing and is not recorded.
    const before = exported.length;
    const head = await t.app.inject({
      method: 'HEAD',
      url: '/staff/dashboards/sla.csv',
      headers: { cookie: qa.agent.cookieHeader },
    });
    expect(head.statusCode).toBe(200);
    expect((await audits('dashboards.exported')).length).toBe(before);
  });

  it('answers bad filters with a 400 page naming each problem, and records nothing', async () => {
    const before = (await audits('dashboards.viewed')).length + (await audits('dashboards.exported')).length;
    const cases: [string, string[]][] = [
      ['days=14', ['Choose a period from the list.']],
      ['channel=fax', ['Choose a channel from the list.']],
      ['days=7&days=30&channel=%3Cb%3E', ['Choose a period from the list.', 'Choose a channel from the list.']],
    ];
    for (const [query, messages] of cases) {
      const res = await qa.agent.get(`/staff/dashboards?${query}`);
      expect(res.statusCode, query).toBe(400);
      expect(qa.agent.errorSummary(), query).toEqual(messages);
      expect(qa.agent.$('svg'), query).toHaveLength(0);
    }
    expect(qa.agent.$('#channel').attr('aria-invalid')).toBe('true');
    const csv = await qa.agent.get('/staff/dashboards/channels.csv?days=365');
    expect(csv.statusCode).toBe(400);
    expect(csv.headers['content-type']).toMatch(/^text\/html/);
    expect((await audits('dashboards.viewed')).length + (await audits('dashboards.exported')).length).toBe(before);
  });

  it('never answers a 5xx, whatever the query string (fast-check)', async () => {
    const key = fc.constantFrom('days', 'channel', 'lang', 'other');
    const value = fc.oneof(
      fc.string({ maxLength: 20, unit: 'binary' }),
      fc.constantFrom('7', '30', '90', '0', '-1', '1e3', 'phone', 'chat', 'all', 'es', ''),
    );
    const encoded = fc
      .array(fc.tuple(key, value), { maxLength: 5 })
      .map((pairs) => pairs.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&'));
    const rawText = fc.string({ maxLength: 30, unit: fc.constantFrom(...'%&=+;?/#[]abc079-'.split('')) });
    const path = fc.constantFrom(
      '/staff/dashboards',
      '/staff/dashboards/channels.csv',
      '/staff/dashboards/backlog.csv',
      '/staff/dashboards/quality.csv',
    );
    await fc.assert(
      fc.asyncProperty(path, fc.oneof(encoded, rawText), async (url, query) => {
        const res = await qa.agent.get(`${url}?${query}`);
        expect([200, 400], `${url}?${query}`).toContain(res.statusCode);
      }),
      { numRuns: 60 },
    );
    await qa.agent.get('/staff/dashboards?lang=en');
  });

  it('is for Tier 2, Tier 3, quality assurance and administrators: Tier 1 gets 403, visitors the sign-in page', async () => {
    const tier1 = await createStaffMember(t, {
      email: 'tim.tier1@agency.example',
      name: 'Tim Tier',
      roles: ['tier1'],
      ip: '10.8.0.3',
    });
    expect((await tier1.agent.get('/staff/dashboards')).statusCode).toBe(403);
    expect((await tier1.agent.get('/staff/dashboards/backlog.csv')).statusCode).toBe(403);
    expect(tier1.agent.last!.body).not.toContain('queue_name');
    await tier1.agent.get('/staff');
    expect(tier1.agent.$('a[href="/staff/dashboards"]')).toHaveLength(0);

    const tier2 = await createStaffMember(t, {
      email: 'tara.tier2@agency.example',
      name: 'Tara Tier',
      roles: ['tier2'],
      ip: '10.8.0.4',
    });
    expect((await tier2.agent.get('/staff')).statusCode).toBe(200);
    expect(tier2.agent.$('a[href="/staff/dashboards"]').length).toBeGreaterThan(0);
    expect((await tier2.agent.get('/staff/dashboards')).statusCode).toBe(200);
    expect((await qa.agent.get('/staff/dashboards')).statusCode).toBe(200);

    const visitor = new TestAgent(t.app, '10.8.0.5');
    for (const path of ['/staff/dashboards', '/staff/dashboards/channels.csv']) {
      const res = await visitor.get(path);
      expect(res.statusCode).toBe(303);
      expect(res.headers.location).toBe('/account/sign-in');
    }
  });

  it('exists in Spanish, numbers and names in Spanish', async () => {
    const res = await qa.agent.get('/staff/dashboards?lang=es');
    expect(res.statusCode).toBe(200);
    const $ = qa.agent.$;
    expect($('html').attr('lang')).toBe('es');
    expect($('h1').text()).toBe('Tableros del Centro de Contacto');
    expect($('#weekdays-summary').text()).toBe('Los lunes tuvieron más elementos: 8 (53%).');
    expect($('#channels-summary').text()).toBe('Teléfono trajo más elementos: 8 de 15 (53%).');
    expect(cells(qa.agent, 'Elementos aún no resueltos por fila y estado')).toContainEqual([
      'Nivel 1',
      '7',
      '2',
      '0',
      '0',
      '9',
    ]);
    expect($('#sla-summary').text()).toBe(
      'Se resolvió a tiempo el 75% de los 4 elementos con fecha límite en este período; 1 incumplimiento.',
    );
    expect(
      $('#chart-weekdays text')
        .map((_, el) => $(el).text())
        .get(),
    ).toContain('Lunes');
    expect($('label[for=days]').text()).toBe('Período');
    await qa.agent.get('/staff/dashboards?days=14');
    expect(qa.agent.errorSummary()).toEqual(['Elija un período de la lista.']);
    await qa.agent.get('/staff/dashboards?lang=en');
  });
});

describe('chart helpers (pure)', () => {
  const format = (n: number) => new Intl.NumberFormat('en-US').format(n);
  const load = (svg: { toString(): string }) => cheerio.load(svg.toString(), { xml: true });

  it('escapes labels, titles and descriptions', () => {
    const svg = barChart({
      id: 'c1',
      title: 'A <title> & "more"',
      desc: "It's <desc>",
      format,
      axisLabel: 'Items <x>',
      data: [{ label: '<script>alert(1)</script>', value: 3 }],
    }).toString();
    expect(svg).not.toContain('<script>');
    expect(svg).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    const $ = load(svg);
    expect($('svg').attr('role')).toBe('img');
    expect($('svg').attr('aria-labelledby')).toBe('c1-title c1-desc');
    expect($('title#c1-title').text()).toBe('A <title> & "more"');
    expect($('desc#c1-desc').text()).toBe("It's <desc>");
    expect(
      $('text')
        .map((_, el) => $(el).text())
        .get(),
    ).toEqual(expect.arrayContaining(['<script>alert(1)</script>', '3', 'Items <x>']));
    expect(svg).not.toMatch(/style=/);
  });

  it('draws zero data and empty data without dividing by zero', () => {
    for (const svg of [
      barChart({
        id: 'z',
        title: 't',
        desc: 'd',
        format,
        axisLabel: 'a',
        data: [
          { label: 'A', value: 0 },
          { label: 'B', value: 0 },
        ],
      }),
      barChart({ id: 'e', title: 't', desc: 'd', format, axisLabel: 'a', data: [] }),
      columnChart({
        id: 'z2',
        title: 't',
        desc: 'd',
        format,
        xAxisLabel: 'x',
        yAxisLabel: 'y',
        data: [{ label: 'Mon', value: 0 }],
      }),
      lineChart({
        id: 'z3',
        title: 't',
        desc: 'd',
        format,
        xAxisLabel: 'x',
        yAxisLabel: 'y',
        categories: ['a', 'b'],
        series: [{ name: 's', values: [null, null] }],
      }),
      lineChart({
        id: 'z4',
        title: 't',
        desc: 'd',
        format,
        xAxisLabel: 'x',
        yAxisLabel: 'y',
        categories: [],
        series: [],
      }),
    ]) {
      expect(svg.toString()).not.toMatch(/NaN|Infinity|undefined/);
      expect(load(svg)('svg').attr('role')).toBe('img');
    }
    const $ = load(
      barChart({ id: 'z', title: 't', desc: 'd', format, axisLabel: 'a', data: [{ label: 'A', value: 0 }] }),
    );
    expect($('rect').attr('width')).toBe('0');
  });

  it('draws one value: a full-length bar, a column with its label, a single point without a line', () => {
    const bar = load(
      barChart({
        id: 'b',
        title: 't',
        desc: 'd',
        format,
        axisLabel: 'a',
        integers: true,
        data: [{ label: 'Phone', value: 1234 }],
      }),
    );
    expect(
      bar('text')
        .map((_, el) => bar(el).text())
        .get(),
    ).toContain('1,234');
    const column = load(
      columnChart({
        id: 'c',
        title: 't',
        desc: 'd',
        format,
        xAxisLabel: 'x',
        yAxisLabel: 'y',
        data: [{ label: 'Monday', value: 7 }],
      }),
    );
    expect(column('rect')).toHaveLength(1);
    expect(
      column('text')
        .map((_, el) => column(el).text())
        .get(),
    ).toEqual(expect.arrayContaining(['7', 'Monday', 'x', 'y']));
    const line = load(
      lineChart({
        id: 'l',
        title: 't',
        desc: 'd',
        format,
        xAxisLabel: 'x',
        yAxisLabel: 'y',
        categories: ['Nov 2', 'Nov 9'],
        series: [{ name: 'Median', values: [null, 2.5] }],
      }),
    );
    expect(line('polyline')).toHaveLength(0);
    expect(line('circle')).toHaveLength(1);
    const two = load(
      lineChart({
        id: 'l2',
        title: 't',
        desc: 'd',
        format,
        xAxisLabel: 'x',
        yAxisLabel: 'y',
        categories: ['a', 'b', 'c'],
        series: [
          { name: 'Median', values: [1, 2, 3] },
          { name: 'P90', values: [2, 4, null] },
        ],
      }),
    );
    expect(two('polyline')).toHaveLength(2);
    expect(two('polyline').eq(1).attr('stroke-dasharray')).toBe('6 4'); // not told apart by color only
    expect(
      two('text')
        .map((_, el) => two(el).text())
        .get(),
    ).toEqual(expect.arrayContaining(['Median', 'P90']));
  });

  it('picks nice axes', () => {
    expect(niceScale(0)).toEqual({ max: 1, ticks: [0, 0.5, 1] });
    expect(niceScale(0, { integers: true })).toEqual({ max: 1, ticks: [0, 1] });
    expect(niceScale(8, { integers: true })).toEqual({ max: 8, ticks: [0, 2, 4, 6, 8] });
    expect(niceScale(1234)).toEqual({ max: 1500, ticks: [0, 500, 1000, 1500] });
    expect(niceScale(17.7)).toEqual({ max: 20, ticks: [0, 5, 10, 15, 20] });
    expect(niceScale(40, { fixedMax: 100 }).ticks).toEqual([0, 25, 50, 75, 100]);
  });
});

describe('dashboard filters, periods and CSV fields (pure)', () => {
  it('reads the period and channel, refusing anything else', () => {
    expect(readDashboardFilters({})).toMatchObject({ ok: true, filters: { days: 30, channel: null } });
    expect(readDashboardFilters({ days: '90', channel: 'chat' })).toMatchObject({
      ok: true,
      filters: { days: 90, channel: 'chat' },
    });
    expect(readDashboardFilters({ days: '31' })).toMatchObject({ ok: false, problems: [{ field: 'days' }] });
    expect(readDashboardFilters({ days: ['7', '30'] })).toMatchObject({ ok: false, problems: [{ field: 'days' }] });
    expect(readDashboardFilters({ channel: 'toString' })).toMatchObject({
      ok: false,
      problems: [{ field: 'channel' }],
    });
    expect(readDashboardFilters(null)).toMatchObject({ ok: true });
  });

  it('lists the Monday-to-Sunday weeks of a period, partial at both ends, and counts its weekdays', () => {
    expect(weeksOf('2026-10-25', '2026-11-03')).toEqual([
      { key: '2026-10-19', start: '2026-10-25', end: '2026-10-25' },
      { key: '2026-10-26', start: '2026-10-26', end: '2026-11-01' },
      { key: '2026-11-02', start: '2026-11-02', end: '2026-11-03' },
    ]);
    expect(weekdaysIn('2026-11-17', '2026-11-23')).toEqual([1, 1, 1, 1, 1, 1, 1]);
    expect(weekdaysIn('2026-10-25', '2026-11-23')).toEqual([5, 4, 4, 4, 4, 4, 5]);
  });

  it('neutralizes formula cells and quotes as RFC 4180 says', () => {
    expect(csvField('=1+1')).toBe("'=1+1");
    expect(csvField('-2')).toBe("'-2");
    expect(csvField(-2)).toBe('-2'); // numbers are numbers
    expect(csvField('@x')).toBe("'@x");
    expect(csvField('a,"b"')).toBe('"a,""b"""');
    expect(csvField(null)).toBe('');
  });
});
