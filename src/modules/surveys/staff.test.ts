import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestAgent } from '../../../test/agent.js';
import { createTestApp, type TestApp } from '../../../test/harness.js';
import { createStaffMember, totpAt, type StaffPerson } from '../../../test/staff-support.js';
import { parseCalendarDate, readSurveyFilters, type SurveyKind } from './service.js';
import { CSV_BOM, csvField, csvRecord } from '../../platform/csv.js';
import { inviteToItemSurvey } from './index.js';
import { pageWindow } from './views.staff.js';

/**
 * The staff side of surveys (ACC-9): summary, averages over time, comments, CSV export, who may see them, audit.
 * The agency's time zone in the tests is America/New_York; "now" is Monday 2026-11-23 10:00 there.
 */

const NOW = '2026-11-23T15:00:00Z';
let t: TestApp;
let qa: StaffPerson;

async function respond(
  at: string,
  survey: SurveyKind,
  input: { rating?: number; comment?: string; form?: string; page?: string },
  lang: 'en' | 'es' = 'en',
) {
  t.clock.set(at);
  const result = await t.services.surveys.submit(
    survey,
    {
      rating: input.rating ? String(input.rating) : undefined,
      comment: input.comment,
      aboutForm: input.form,
      aboutPage: input.page,
    },
    lang,
  );
  expect(result.ok).toBe(true);
}

beforeAll(async () => {
  t = await createTestApp();
  // The last 90 days by the agency's clock are 2026-08-26 to 2026-11-23 (EDT until 1 November, EST after).
  await respond('2026-08-26T03:59:00Z', 'exit', {
    rating: 1,
    comment: 'Just before the range (25 August, 23:59 in New York)',
  });
  await respond('2026-08-26T04:00:00Z', 'exit', { rating: 2 }); // 26 August, 00:00 in New York: inside
  await respond('2026-11-02T15:00:00Z', 'exit', {
    rating: 5,
    comment: 'Great, "quick" service',
    form: 'I-765',
    page: 'Part 2',
  });
  await respond('2026-11-03T15:00:00Z', 'exit', { rating: 4 });
  await respond(
    '2026-11-10T15:00:00Z',
    'account_created',
    { rating: 2, comment: '=HYPERLINK("http://evil.example","click")' },
    'es',
  );
  // 04:30 UTC on Monday 16 November is still Sunday 15 November in New York: the week of 9 November.
  await respond(
    '2026-11-16T04:30:00Z',
    'exit',
    { rating: 3, comment: 'Line one\nLine two, with comma', form: 'account', page: '@SUM(1+1)' },
    'es',
  );
  await respond(
    '2026-11-17T15:00:00Z',
    'exit',
    { comment: '-2+3 Muy difícil encontrar el formulario, señora', form: 'I-130' },
    'es',
  );
  await respond('2026-11-23T14:00:00Z', 'account_created', { rating: 5, comment: '<script>alert(1)</script>' });
  // June: 55 comments, two a day (08:00 and 20:00 in New York), for the pages of comments and the daily table.
  for (let i = 0; i < 55; i++) {
    await respond(new Date(Date.parse('2026-06-01T12:00:00Z') + i * 12 * 3_600_000).toISOString(), 'exit', {
      rating: (i % 5) + 1,
      comment: `June comment ${i + 1}`,
    });
  }
  t.clock.set(NOW);
  qa = await createStaffMember(t, {
    email: 'quinn.qa@agency.example',
    name: 'Quinn Quality',
    roles: ['quality_assurance'],
    ip: '10.8.0.1',
  });
});
afterAll(async () => t?.close());

const cells = (agent: TestAgent, caption: string) => agent.tableRows((text) => text === caption);

const audits = async (action: string) =>
  t.deps.database.db
    .selectFrom('audit_log')
    .select(['actor_id', 'actor_type', 'details'])
    .where('action', '=', action)
    .where('actor_id', '=', qa.accountId)
    .orderBy('id')
    .execute();

describe('survey responses for staff (ACC-9)', () => {
  it('shows the last 90 days by default: count, average, distribution and weekly averages in the agency time zone', async () => {
    const res = await qa.agent.get('/staff/surveys');
    expect(res.statusCode).toBe(200);
    const $ = qa.agent.$;
    expect($('h1').text()).toBe('Survey responses');
    expect($('nav .usa-sidenav a[href="/staff/surveys"]').attr('aria-current')).toBe('page');
    expect($('input[name=from]').val()).toBe('2026-08-26');
    expect($('input[name=to]').val()).toBe('2026-11-23');
    expect($('#summary-total').text()).toBe('7');
    expect($('#summary-rated').text()).toBe('6');
    expect($('#summary-average').text()).toBe('3.5 out of 5'); // (2 + 5 + 4 + 2 + 3 + 5) / 6
    expect(cells(qa.agent, 'Responses by rating')).toEqual([
      ['5 – Very satisfied', '2', '33%'],
      ['4 – Satisfied', '1', '17%'],
      ['3 – Neither satisfied nor dissatisfied', '1', '17%'],
      ['2 – Dissatisfied', '2', '33%'],
      ['1 – Very dissatisfied', '0', '0%'],
      ['No rating (comment only)', '1', '–'],
    ]);
    const weeks = cells(qa.agent, 'Responses and average rating by week (Monday to Sunday)');
    expect(weeks).toHaveLength(14);
    expect(weeks[0]).toEqual(['Aug 26, 2026 to Aug 30, 2026', '1', '2.0']); // the first week starts at the range
    expect(weeks[1]).toEqual(['Aug 31, 2026 to Sep 6, 2026', '0', 'None']);
    expect(weeks.slice(10)).toEqual([
      ['Nov 2, 2026 to Nov 8, 2026', '2', '4.5'],
      ['Nov 9, 2026 to Nov 15, 2026', '2', '2.5'], // includes Sunday 23:30 in New York (Monday in UTC)
      ['Nov 16, 2026 to Nov 22, 2026', '1', 'None'],
      ['Nov 23, 2026', '1', '5.0'],
    ]);
    // The average has a bar for sighted readers, hidden from screen readers (the number is in the cell).
    expect($('meter[aria-hidden=true]').length).toBeGreaterThan(0);
    expect(res.headers['content-security-policy']).not.toContain('unsafe-inline');
    expect(res.body).not.toMatch(/ style=/);
  });

  it('lists the comments newest first, escaped, with survey, rating, form, page and language', async () => {
    await qa.agent.get('/staff/surveys');
    const $ = qa.agent.$;
    const items = $('#comments > li');
    expect(items).toHaveLength(5);
    const texts = items.map((_, li) => $(li).find('.usa-collection__description').text()).get();
    expect(texts).toEqual([
      '<script>alert(1)</script>',
      '-2+3 Muy difícil encontrar el formulario, señora',
      'Line oneLine two, with comma',
      '=HYPERLINK("http://evil.example","click")',
      'Great, "quick" service',
    ]);
    // Untrusted text stays text: no script element came from the comment, and line breaks are kept as <br>.
    expect($('main script')).toHaveLength(0);
    expect(qa.agent.last!.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect($(items[2]).find('.usa-collection__description').html()).toBe('Line one<br>Line two, with comma');
    expect($(items[0]).find('h3').text().replace(/\s/g, ' ')).toBe('Nov 23, 2026, 9:00 AM, After account creation');
    expect($(items[2]).find('h3').text().replace(/\s/g, ' ')).toBe(
      'Nov 15, 2026, 11:30 PM, Exit survey (after sign-out)',
    );
    expect(
      $(items[2])
        .find('.usa-collection__meta-item')
        .map((_, li) => $(li).text())
        .get(),
    ).toEqual([
      'Rating: 3 – Neither satisfied nor dissatisfied',
      'About: Account pages; page or step: @SUM(1+1)',
      'Language: Spanish',
    ]);
    expect($(items[1]).find('.usa-collection__meta-item').first().text()).toBe('Rating: No rating');
    expect($(items[4]).find('.usa-collection__meta-item').eq(1).text()).toBe('About: I-765; page or step: Part 2');
    expect($('.usa-pagination')).toHaveLength(0); // one page only
  });

  it('filters by survey, form and language, and by dates in the agency time zone', async () => {
    await qa.agent.get('/staff/surveys?survey=account_created');
    expect(qa.agent.$('#summary-total').text()).toBe('2');
    expect(qa.agent.$('#summary-average').text()).toBe('3.5 out of 5');
    expect(qa.agent.$('select[name=survey] option[selected]').val()).toBe('account_created');

    await qa.agent.get('/staff/surveys?language=es');
    expect([
      qa.agent.$('#summary-total').text(),
      qa.agent.$('#summary-rated').text(),
      qa.agent.$('#summary-average').text(),
    ]).toEqual(['3', '2', '2.5 out of 5']);

    await qa.agent.get('/staff/surveys?about_form=I-765&survey=exit');
    expect(qa.agent.$('#summary-total').text()).toBe('1');
    expect(qa.agent.$('#comments > li')).toHaveLength(1);

    // 15 November by New York's clock holds the response sent at 04:30 UTC on the 16th, and only it.
    await qa.agent.get('/staff/surveys?from=2026-11-15&to=11/15/2026');
    expect(qa.agent.$('input[name=to]').val()).toBe('2026-11-15');
    expect(qa.agent.$('#summary-total').text()).toBe('1');
    expect(cells(qa.agent, 'Responses and average rating by day')).toEqual([['Nov 15, 2026', '1', '3.0']]);

    // A range with no response at all.
    await qa.agent.get('/staff/surveys?from=2025-01-01&to=2025-01-02');
    expect(qa.agent.$('#summary-total').text()).toBe('0');
    expect(qa.agent.$('#summary-average').text()).toBe('No ratings');
    expect(qa.agent.$('main').text()).toContain('No response with a comment matches these choices.');
  });

  it('shows averages per day for ranges up to 31 days, and pages of 50 comments whose links keep the filters', async () => {
    const res = await qa.agent.get('/staff/surveys?from=2026-06-01&to=2026-06-30&language=en');
    expect(res.statusCode).toBe(200);
    const days = cells(qa.agent, 'Responses and average rating by day');
    expect(days).toHaveLength(30);
    // Each day has the comments sent at 08:00 and 20:00 in New York: ratings 1 and 2, then 3 and 4, then 5 and 1...
    expect(days.slice(0, 3)).toEqual([
      ['Jun 1, 2026', '2', '1.5'],
      ['Jun 2, 2026', '2', '3.5'],
      ['Jun 3, 2026', '2', '3.0'],
    ]);
    expect(days[27]).toEqual(['Jun 28, 2026', '1', '5.0']);
    expect(days[29]).toEqual(['Jun 30, 2026', '0', 'None']);
    expect(qa.agent.$('#summary-total').text()).toBe('55');

    const $ = qa.agent.$;
    expect($('#comments > li')).toHaveLength(50);
    expect($('#comments > li .usa-collection__description').first().text()).toBe('June comment 55');
    expect($('main').text()).toContain('55 responses with a comment, newest first. Page 1 of 2');
    const next = $('.usa-pagination a[rel=next]').attr('href')!;
    expect(next).toBe('/staff/surveys?from=2026-06-01&to=2026-06-30&language=en&page=2#comments-heading');
    await qa.agent.get(next.replace(/#.*/, ''));
    const second = qa.agent
      .$('#comments > li .usa-collection__description')
      .map((_, p) => qa.agent.$(p).text())
      .get();
    expect(second).toEqual(['June comment 5', 'June comment 4', 'June comment 3', 'June comment 2', 'June comment 1']);
    expect(qa.agent.$('.usa-pagination a[aria-current=page]').text()).toBe('2');
    expect(qa.agent.$('#summary-total').text()).toBe('55'); // the filters are kept
    // A page after the last one is not an error: it says where the comments end.
    await qa.agent.get('/staff/surveys?from=2026-06-01&to=2026-06-30&page=9');
    expect(qa.agent.$('main').text()).toContain('This page has no comments. The last page is page 2.');
  });

  it('exports the responses as CSV: BOM, header, RFC 4180 quoting, formulas neutralized, same filters', async () => {
    await qa.agent.get('/staff/surveys');
    const href = qa.agent.$('a[href^="/staff/surveys.csv"]').attr('href')!;
    expect(href).toBe('/staff/surveys.csv?from=2026-08-26&to=2026-11-23');
    const res = await qa.agent.get(href);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe('attachment; filename="survey-responses-2026-11-23.csv"');
    expect(res.headers['cache-control']).toBe('no-store');
    expect([...res.rawPayload.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(res.body).toBe(
      CSV_BOM +
        'created_at,survey,rating,about_form,about_page,language,comment,service_item_number\r\n' +
        '2026-08-26T04:00:00.000Z,exit,2,,,en,,\r\n' +
        '2026-11-02T15:00:00.000Z,exit,5,I-765,Part 2,en,"Great, ""quick"" service",\r\n' +
        '2026-11-03T15:00:00.000Z,exit,4,,,en,,\r\n' +
        `2026-11-10T15:00:00.000Z,account_created,2,,,es,"'=HYPERLINK(""http://evil.example"",""click"")",\r\n` +
        `2026-11-16T04:30:00.000Z,exit,3,account,'@SUM(1+1),es,"Line one\nLine two, with comma",\r\n` +
        `2026-11-17T15:00:00.000Z,exit,,I-130,,es,"'-2+3 Muy difícil encontrar el formulario, señora",\r\n` +
        '2026-11-23T14:00:00.000Z,account_created,5,,,en,<script>alert(1)</script>,\r\n',
    );
    const filtered = await qa.agent.get('/staff/surveys.csv?survey=account_created&language=es');
    expect(filtered.body.split('\r\n').slice(1, -1)).toEqual([
      `2026-11-10T15:00:00.000Z,account_created,2,,,es,"'=HYPERLINK(""http://evil.example"",""click"")",`,
    ]);
  });

  it("names the service item of a resolved item's survey answer in the export (empty for the account surveys)", async () => {
    t.clock.set('2025-03-10T15:00:00Z');
    await inviteToItemSurvey(t.deps.database.db, {
      token: 'item-survey-token-csv',
      itemNumber: 4021,
      language: 'es',
      now: t.clock.now(),
    });
    expect(await t.services.surveys.answerItemSurvey('item-survey-token-csv', '4', 'es')).toEqual({ ok: true });
    await respond('2025-03-11T15:00:00Z', 'account_created', { rating: 3 });
    t.clock.set(NOW);
    await qa.agent.get('/staff/surveys');
    const res = await qa.agent.get('/staff/surveys.csv?from=2025-03-01&to=2025-03-31');
    expect(res.body.split('\r\n').slice(0, -1)).toEqual([
      `${CSV_BOM}created_at,survey,rating,about_form,about_page,language,comment,service_item_number`,
      '2025-03-10T15:00:00.000Z,service_item,4,,,es,,4021',
      '2025-03-11T15:00:00.000Z,account_created,3,,,en,,',
    ]);
  });

  it('exports in batches: thousands of responses, with equal times across batch boundaries, each exactly once, oldest first', async () => {
    // 2,500 responses in January 2025, three per second (so equal created_at values straddle the 1,000-row batches).
    await sql`insert into survey_responses (survey, rating, comment, language, created_at)
      select 'exit', 1 + (i % 5), 'bulk ' || i, 'en', timestamptz '2025-01-10 12:00:00Z' + ((i / 3) * interval '1 second')
      from generate_series(0, 2499) as i`.execute(t.deps.database.db);
    const res = await qa.agent.get('/staff/surveys.csv?from=2025-01-01&to=2025-01-31');
    expect(res.statusCode).toBe(200);
    const lines = res.body.split('\r\n').slice(1, -1);
    expect(lines).toHaveLength(2500);
    const comments = lines.map((l) => l.split(',')[6]);
    expect(new Set(comments).size).toBe(2500);
    expect([...comments].sort()).toEqual(Array.from({ length: 2500 }, (_, i) => `bulk ${i}`).sort());
    const times = lines.map((l) => l.split(',')[0]!);
    expect(times).toEqual([...times].sort());
    expect(res.body.endsWith('\r\n')).toBe(true);
  });

  it('does not record a HEAD request as an export', async () => {
    const before = (await audits('surveys.exported')).length;
    const head = await t.app.inject({
      method: 'HEAD',
      url: '/staff/surveys.csv',
      headers: { cookie: qa.agent.cookieHeader },
    });
    expect(head.statusCode).toBe(200);
    expect((await audits('surveys.exported')).length).toBe(before);
  });

  it('writes every view and every export to the audit log with its filters', async () => {
    const viewed = await audits('surveys.viewed');
    expect(viewed.length).toBeGreaterThanOrEqual(8);
    expect(viewed[0]).toMatchObject({
      actor_type: 'staff',
      details: {
        filters: {
          survey: null,
          from: '2026-08-26',
          to: '2026-11-23',
          aboutForm: null,
          language: null,
          timeZone: 'America/New_York',
        },
        page: 1,
      },
    });
    const exported = await audits('surveys.exported');
    expect(exported.map((e) => (e.details as { filters: object }).filters)).toContainEqual({
      survey: 'account_created',
      from: '2026-08-26',
      to: '2026-11-23',
      aboutForm: null,
      language: 'es',
      timeZone: 'America/New_York',
    });
  });

  it('answers bad filters with a 400 page that names each problem, and shows and records nothing', async () => {
    const before = (await audits('surveys.viewed')).length + (await audits('surveys.exported')).length;
    const cases: [string, string[]][] = [
      ['from=2026-02-30', ['Enter a real date, for example 2026-11-23.']],
      [
        'from=yesterday&to=2026-13-01',
        ['Enter the date as year-month-day, for example 2026-11-23.', 'Enter a real date, for example 2026-11-23.'],
      ],
      ['from=2026-11-20&to=2026-11-01', ['The start date must be on or before the end date.']],
      ['from=2001-01-01&to=2026-11-01', ['Choose a period of at most 5 years.']],
      [
        'survey=everything&language=fr&about_form=X-1',
        ['Choose a survey from the list.', 'Choose a form from the list.', 'Choose a language from the list.'],
      ],
      ['survey=exit&survey=account_created', ['Choose a survey from the list.']],
      ['page=0', ['That page of comments does not exist. Choose the responses again to start from the first page.']],
      ['page=abc', ['That page of comments does not exist. Choose the responses again to start from the first page.']],
    ];
    for (const [query, messages] of cases) {
      const res = await qa.agent.get(`/staff/surveys?${query}`);
      expect(res.statusCode, query).toBe(400);
      expect(qa.agent.errorSummary(), query).toEqual(messages);
      expect(qa.agent.$('#summary-total'), query).toHaveLength(0);
      expect(qa.agent.$('title').text()).toMatch(/^There is a problem/);
    }
    // The summary links to the field, which shows the message and keeps what was typed.
    await qa.agent.get('/staff/surveys?from=2026-02-30');
    expect(qa.agent.$('#error-summary a').attr('href')).toBe('#from');
    expect(qa.agent.$('#from').attr('aria-invalid')).toBe('true');
    expect(qa.agent.$('#from').val()).toBe('2026-02-30');
    expect(qa.agent.$('#from-error').text()).toBe('Enter a real date, for example 2026-11-23.');
    // A list chosen out of bounds is marked on the field too.
    await qa.agent.get('/staff/surveys?language=fr');
    expect(qa.agent.$('#language').attr('aria-invalid')).toBe('true');
    expect(qa.agent.$('#language-error').text()).toBe('Choose a language from the list.');
    const csv = await qa.agent.get('/staff/surveys.csv?to=2026-02-30');
    expect(csv.statusCode).toBe(400);
    expect(csv.headers['content-type']).toMatch(/^text\/html/);
    const after = (await audits('surveys.viewed')).length + (await audits('surveys.exported')).length;
    expect(after).toBe(before);
  });

  it('never answers a 5xx, whatever the query string (fast-check)', async () => {
    const key = fc.constantFrom('survey', 'from', 'to', 'about_form', 'language', 'page', 'other');
    const value = fc.oneof(
      fc.string({ maxLength: 30, unit: 'binary' }),
      fc.constantFrom(
        'exit',
        'account_created',
        'all',
        'en',
        'es',
        'I-765',
        'account',
        '2026-11-01',
        '0000-01-01',
        '9999-12-31',
        '1/1/1900',
        '02/29/2028',
        '-1',
        '99999999999',
      ),
      fc
        .date({ min: new Date('1800-01-01'), max: new Date('3100-01-01'), noInvalidDate: true })
        .map((d) => d.toISOString().slice(0, 10)),
    );
    const encoded = fc
      .array(fc.tuple(key, value), { maxLength: 6 })
      .map((pairs) => pairs.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&'));
    const rawText = fc.string({ maxLength: 40, unit: fc.constantFrom(...'%&=+;?/#[]abc019-'.split('')) });
    await fc.assert(
      fc.asyncProperty(fc.oneof(encoded, rawText), fc.boolean(), async (query, csv) => {
        const res = await qa.agent.get(`/staff/surveys${csv ? '.csv' : ''}?${query}`);
        expect([200, 400], query).toContain(res.statusCode);
      }),
      { numRuns: 80 },
    );
  });

  it('is for quality assurance and administrators: a Tier 1 agent and an applicant get 403, a visitor the sign-in page', async () => {
    const admin = await createStaffMember(t, {
      email: 'ada.admin@agency.example',
      name: 'Ada Admin',
      roles: ['administrator'],
      ip: '10.8.0.2',
    });
    expect((await admin.agent.get('/staff/surveys')).statusCode).toBe(200);
    expect((await admin.agent.get('/staff')).statusCode).toBe(200);
    expect(admin.agent.$('a[href="/staff/surveys"]').length).toBeGreaterThan(0);

    const tier1 = await createStaffMember(t, {
      email: 'tim.tier1@agency.example',
      name: 'Tim Tier',
      roles: ['tier1'],
      ip: '10.8.0.3',
    });
    expect((await tier1.agent.get('/staff/surveys')).statusCode).toBe(403);
    expect(tier1.agent.$('h1').text()).toBe('You do not have access to this page');
    expect((await tier1.agent.get('/staff/surveys.csv')).statusCode).toBe(403);
    expect(tier1.agent.last!.body).not.toContain('created_at,survey');
    await tier1.agent.get('/staff');
    expect(tier1.agent.$('a[href="/staff/surveys"]')).toHaveLength(0);

    const applicant = await signUpApplicant('ana.applicant@example.com', '10.8.0.4');
    expect((await applicant.get('/account')).statusCode).toBe(200);
    expect((await applicant.get('/staff/surveys')).statusCode).toBe(403);
    expect((await applicant.get('/staff/surveys.csv')).statusCode).toBe(403);

    const visitor = new TestAgent(t.app, '10.8.0.5');
    for (const path of ['/staff/surveys', '/staff/surveys.csv?survey=exit']) {
      const res = await visitor.get(path);
      expect(res.statusCode).toBe(303);
      expect(res.headers.location).toBe('/account/sign-in');
    }
    const strangers = await t.deps.database.db
      .selectFrom('audit_log')
      .select('id')
      .where('action', 'like', 'surveys.%')
      .where('actor_id', 'in', [tier1.accountId])
      .execute();
    expect(strangers).toEqual([]);
  });

  it('exists in Spanish', async () => {
    const res = await qa.agent.get('/staff/surveys?lang=es');
    expect(res.statusCode).toBe(200);
    const $ = qa.agent.$;
    expect($('html').attr('lang')).toBe('es');
    expect($('h1').text()).toBe('Respuestas de encuestas');
    expect($('#summary-average').text()).toBe('3.5 de 5');
    expect($('table caption').first().text()).toBe('Respuestas por calificación');
    expect($('label[for=from]').text()).toBe('Desde');
    expect($('#comments > li').first().find('.usa-collection__meta-item').last().text()).toBe('Idioma: Inglés');
    await qa.agent.get('/staff/surveys?from=2026-02-30');
    expect(qa.agent.errorSummary()).toEqual(['Escriba una fecha real, por ejemplo 2026-11-23.']);
    await qa.agent.get('/staff/surveys?lang=en');
  });
});

/** An applicant who signs up (email link, password, authenticator app, backup codes) and is signed in. */
async function signUpApplicant(email: string, ip: string): Promise<TestAgent> {
  const agent = new TestAgent(t.app, ip);
  await agent.get('/account/sign-up');
  expect((await agent.post('/account/sign-up', { email, kind: 'applicant' })).statusCode).toBe(303);
  const message = await t.deps.database.db
    .selectFrom('notification_messages')
    .select('body')
    .where('recipient', '=', email)
    .where('template', '=', 'verify_email')
    .executeTakeFirstOrThrow();
  const path = /https?:\/\/\S+(\/account\/sign-up\/confirm\?token=\S+)/.exec(message.body)![1]!;
  await agent.get(path);
  expect(
    (await agent.post('/account/sign-up/confirm', { token: agent.$('input[name=token]').val() as string })).statusCode,
  ).toBe(303);
  await agent.get('/account/sign-up/password');
  const password = 'correct horse battery staple 42';
  expect(
    (await agent.post('/account/sign-up/password', { password, password_confirmation: password })).statusCode,
  ).toBe(303);
  await agent.get('/account/sign-up/authenticator');
  const secret = agent.$('.casedesk-secret').text().replace(/\s/g, '');
  expect((await agent.post('/account/sign-up/authenticator', { code: totpAt(t, secret) })).statusCode).toBe(200);
  expect((await agent.post('/account/sign-up/backup-codes', {})).statusCode).toBe(303);
  return agent;
}

describe('survey filters and CSV fields (pure)', () => {
  it('reads dates as YYYY-MM-DD or MM/DD/YYYY, and refuses days that do not exist', () => {
    expect(parseCalendarDate('2028-02-29')).toEqual({ ok: true, date: '2028-02-29' });
    expect(parseCalendarDate(' 3/7/2026 ')).toEqual({ ok: true, date: '2026-03-07' });
    expect(parseCalendarDate('2027-02-29')).toEqual({ ok: false, code: 'date_invalid' });
    expect(parseCalendarDate('2100-02-29')).toEqual({ ok: false, code: 'date_invalid' });
    expect(parseCalendarDate('0000-01-01')).toEqual({ ok: false, code: 'date_invalid' });
    expect(parseCalendarDate('2026-11-23T00:00')).toEqual({ ok: false, code: 'date_format' });
    expect(parseCalendarDate('23.11.2026')).toEqual({ ok: false, code: 'date_format' });
  });

  it('defaults to the 90 days that end today, or that end at the given end date', () => {
    const read = readSurveyFilters({}, '2026-03-01', 'America/New_York');
    expect(read.ok && read.filters).toMatchObject({ from: '2025-12-02', to: '2026-03-01' });
    const ending = readSurveyFilters({ to: '2024-03-31' }, '2026-03-01', 'America/New_York');
    expect(ending.ok && ending.filters).toMatchObject({ from: '2024-01-02', to: '2024-03-31' });
    expect(readSurveyFilters({ from: '2026-03-02' }, '2026-03-01', 'UTC')).toMatchObject({
      ok: false,
      problems: [{ field: 'from', code: 'range_order' }],
    });
  });

  it('links the first, the last and the pages around the current one', () => {
    expect(pageWindow(1, 1)).toEqual([1]);
    expect(pageWindow(1, 10)).toEqual([1, 2, 3, null, 10]);
    expect(pageWindow(6, 10)).toEqual([1, null, 4, 5, 6, 7, 8, null, 10]);
    expect(pageWindow(10, 10)).toEqual([1, null, 8, 9, 10]);
    expect(pageWindow(12, 10)).toEqual([1, null, 10]);
  });

  it('quotes CSV fields as RFC 4180 says and neutralizes formulas', () => {
    expect(csvField(null)).toBe('');
    expect(csvField(5)).toBe('5');
    expect(csvField('plain text')).toBe('plain text');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('cr\ronly')).toBe('"cr\ronly"');
    expect(csvField('=1+1')).toBe("'=1+1");
    expect(csvField('+1')).toBe("'+1");
    expect(csvField('-1')).toBe("'-1");
    expect(csvField('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvField('\tTAB')).toBe("'\tTAB");
    expect(csvField('\r=cmd')).toBe(`"'\r=cmd"`);
    expect(csvField('=A1,"x"')).toBe(`"'=A1,""x"""`);
    expect(csvField('a=1')).toBe('a=1');
    expect(csvRecord(['a', null, 3])).toBe('a,,3\r\n');
  });

  it('gives back every text, formulas prefixed, when the file is read by an RFC 4180 reader (fast-check)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.string({ unit: fc.constantFrom('a', 'ñ', ',', '"', '\r', '\n', '\t', '=', '+', '-', '@', ' ', "'") }),
          { minLength: 1, maxLength: 5 },
        ),
        (fields) => {
          const parsed = parseCsv(csvRecord(fields) + csvRecord(fields));
          const expected = fields.map((f) => (/^[=+\-@\t\r]/.test(f) ? `'${f}` : f));
          expect(parsed).toEqual([expected, expected]);
        },
      ),
    );
  });
});

/** A small RFC 4180 reader (records end with CRLF), to check the writer against. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let i = 0;
  while (i < text.length) {
    let field = '';
    if (text[i] === '"') {
      i++;
      for (;;) {
        if (text[i] === '"' && text[i + 1] === '"') {
          field += '"';
          i += 2;
        } else if (text[i] === '"') {
          i++;
          break;
        } else {
          field += text[i++];
        }
      }
    } else {
      while (i < text.length && text[i] !== ',' && !(text[i] === '\r' && text[i + 1] === '\n')) field += text[i++];
    }
    record.push(field);
    if (text[i] === ',') i++;
    else {
      i += 2; // CRLF
      records.push(record);
      record = [];
    }
  }
  return records;
}
