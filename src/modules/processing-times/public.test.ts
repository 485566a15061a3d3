import { load } from 'cheerio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/harness.js';
import { publishFigures, SAMPLE_FIGURES } from '../../../test/processing-times-support.js';
import { inquiryOutcome, receiptDate } from './public-routes.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
  await publishFigures(t, SAMPLE_FIGURES);
  // An administrator's own inquiry date for N-400 at Miami (PT-2): it wins over the counted one.
  await t.deps.database.db
    .insertInto('inquiry_date_overrides')
    .values({
      form_code: 'N-400',
      office_code: 'FO-MIA',
      inquiry_date: '2026-02-01',
      reason: 'Backlog cleared by a special team',
      updated_at: new Date('2026-11-01T12:00:00Z'),
    })
    .execute();
});
afterAll(async () => t?.close());

const page = async (query: string, app: TestApp = t) => {
  const res = await app.app.inject({ method: 'GET', url: `/processing-times${query}` });
  return { status: res.statusCode, $: load(res.body), body: res.body };
};
const options = ($: ReturnType<typeof load>, name: string) =>
  $(`select[name="${name}"] option`)
    .map((_i, o) => $(o).attr('value'))
    .get()
    .filter((v) => v !== '');
const text = ($: ReturnType<typeof load>) => $('main').text().replace(/\s+/g, ' ');

describe('choosing a form, a category and an office (GET, no script)', () => {
  it('first asks the form: only forms with a published figure', async () => {
    const { status, $ } = await page('');
    expect(status).toBe(200);
    expect($('h1').text()).toBe('Check case processing times');
    expect($('form[method="get"][action="/processing-times"]').length).toBe(1);
    expect(options($, 'form')).toEqual(['I-90', 'I-485', 'N-400']);
    expect($('select[name="category"]').length).toBe(0);
    expect($('select[name="office"]').length).toBe(0);
    expect($('#range').length).toBe(0);
  });

  it('then the category (when the form has them) and the offices with a figure', async () => {
    const { $ } = await page('?form=I-485');
    expect($('select[name="form"] option[selected]').attr('value')).toBe('I-485');
    expect(options($, 'category')).toEqual(['employment', 'family']);
    expect(options($, 'office')).toEqual(['NBC', 'FO-NYC']);
    const narrowed = await page('?form=I-485&category=employment');
    expect(options(narrowed.$, 'office')).toEqual(['NBC']);
    const perForm = await page('?form=n-400');
    expect(perForm.$('select[name="category"]').length).toBe(0);
    expect(options(perForm.$, 'office')).toEqual(['FO-NYC', 'FO-MIA']);
  });

  it('shows the range, what it means, the publication date and the inquiry date', async () => {
    const { status, $ } = await page('?form=I-485&category=employment&office=NBC');
    expect(status).toBe(200);
    expect($('#result-heading').text()).toBe(
      'I-485 (Employment-based adjustment applications) at National Benefits Center',
    );
    expect($('#range').text()).toBe('7.9 to 12 months');
    const all = text($);
    expect(all).toContain(
      '80% of the cases we completed in the six months before November 20, 2026 were completed within 12 months. Half were completed within 7.9 months.',
    );
    expect(all).toContain('Published November 20, 2026.');
    expect($('#inquiry-date').text()).toBe('November 23, 2025');
    expect(all).toContain('If we received your case before November 23, 2025');
    expect($('#received_month').length).toBe(1);
  });

  it('says it in Spanish', async () => {
    const { $ } = await page('?form=I-485&category=employment&office=NBC&lang=es');
    expect($('h1').text()).toBe('Consultar los tiempos de procesamiento de casos');
    expect($('#range').text()).toBe('de 7.9 a 12 meses');
    expect(text($)).toContain('antes del 20 de noviembre de 2026 se completaron en 12 meses o menos');
    expect($('#inquiry-date').text()).toBe('23 de noviembre de 2025');
  });

  it('states a short time in weeks', async () => {
    const { $ } = await page('?form=I-90&office=NBC');
    expect($('#range').text()).toBe('2.9 to 5.5 weeks');
  });

  it.each([
    ['?form=', 'form', 'Select a form.'],
    ['?form=I-999', 'form', 'Select a form.'],
    ['?form=I-485&category=&office=NBC', 'category', 'Select a form category.'],
    ['?form=N-400&office=', 'office', 'Select an office.'],
  ])('%s: an empty or unknown answer is an error (400) linked from the summary', async (query, field, message) => {
    const { status, $ } = await page(query);
    expect(status).toBe(400);
    expect($(`#error-summary a[href="#${field}"]`).text()).toBe(message);
    expect($('#range').length).toBe(0);
  });

  it('drops a value that does not fit the form chosen and asks again', async () => {
    const { status, $ } = await page('?form=N-400&office=NBC');
    expect(status).toBe(200);
    expect($('select[name="office"] option[selected]').length).toBe(0);
    expect($('#range').length).toBe(0);
  });

  it('says so when the category is not published at the office (no dead end)', async () => {
    const { status, $ } = await page('?form=I-485&category=employment&office=FO-NYC');
    expect(status).toBe(200);
    expect(text($)).toContain('We have not published a processing time for this form category at this office.');
    expect($('main a[href="tel:1-800-375-5283"]').length).toBe(1);
  });
});

describe('check if you can ask about your case (CC-10)', () => {
  const base = '?form=N-400&office=FO-NYC'; // inquiry date January 8, 2026 (today 2026-11-23 minus 319 days)
  const check = (m: string, d: string, y: string, lang = '') =>
    page(`${base}&received_month=${m}&received_day=${d}&received_year=${y}${lang}`);

  it('a case received before the inquiry date: ask now, with the e-Request link', async () => {
    const { status, $ } = await check('1', '7', '2026');
    expect(status).toBe(200);
    const answer = $('.usa-alert--success');
    expect(answer.find('.usa-alert__heading').text()).toBe('You can ask about your case now');
    expect(answer.find('a').attr('href')).toBe('/e-request/outside-processing-time');
    expect($('#received_month').attr('value')).toBe('1');
  });

  it('a case received on the inquiry date: not yet, and from which day', async () => {
    const { $ } = await check('01', '08', '2026');
    const answer = $('.usa-alert--info[role="alert"]');
    expect(answer.find('.usa-alert__heading').text()).toBe('Not yet: your case is within normal processing time');
    expect(answer.text()).toContain('You can ask about it on or after November 24, 2026');
  });

  it('in Spanish', async () => {
    expect(text((await check('1', '7', '2026', '&lang=es')).$)).toContain('Puede preguntar por su caso ahora');
    expect(text((await check('1', '8', '2026', '&lang=es')).$)).toContain('a partir del 24 de noviembre de 2026');
  });

  it.each([
    ['', '', '', 'Enter the date we received your case.'],
    ['2', '30', '2026', 'Enter a real date, for example 4 28 2026.'],
    ['13', '1', '2026', 'Enter a real date, for example 4 28 2026.'],
    ['1', '1', '26', 'Enter a real date, for example 4 28 2026.'],
    ['12', '1', '2026', 'The date we received your case must be today or earlier.'],
  ])('%s/%s/%s is refused with a message on the date', async (m, d, y, message) => {
    const { status, $ } = await check(m, d, y);
    expect(status).toBe(400);
    expect($('#error-summary a[href="#received_month"]').text()).toBe(message);
    expect($('#received-error').text()).toBe(message);
    expect($('.usa-alert--success').length).toBe(0);
  });

  it("an administrator's inquiry date: said so, and no day is promised", async () => {
    const { $ } = await page('?form=N-400&office=FO-MIA&received_month=3&received_day=1&received_year=2026');
    expect($('#inquiry-date').text()).toBe('February 1, 2026');
    expect(text($)).toContain('Our staff set this date for this form and office.');
    expect($('.usa-alert--info').text()).toContain('We take inquiries about cases received before February 1, 2026.');
    const yes = await page('?form=N-400&office=FO-MIA&received_month=1&received_day=31&received_year=2026');
    expect(yes.$('.usa-alert--success').length).toBe(1);
  });
});

describe('before any publication', () => {
  it('says so plainly, with the phone numbers and hours, in both languages', async () => {
    const empty = await createTestApp();
    try {
      const en = await page('?form=N-400&office=FO-NYC', empty);
      expect(en.status).toBe(200);
      expect(text(en.$)).toContain('No processing times are published yet');
      expect(en.$('main a[href="tel:1-800-375-5283"]').length).toBe(1);
      expect(en.$('main a[href="tel:1-800-767-1833"]').length).toBe(1);
      expect(text(en.$)).toContain('Monday to Friday, 8 a.m. to 8 p.m. Eastern');
      expect(en.$('main a[href="/case-status"]').length).toBe(1);
      expect(en.$('select').length).toBe(0);
      const es = await page('?lang=es', empty);
      expect(text(es.$)).toContain('Todavía no hay tiempos de procesamiento publicados');
      expect(text(es.$)).toContain('de lunes a viernes');
    } finally {
      await empty.close();
    }
  });
});

describe('where people look for it', () => {
  it.each(['/', '/case-status', '/e-request/outside-processing-time'])('%s links to the page', async (url) => {
    const res = await t.app.inject({ method: 'GET', url });
    expect(load(res.body)('main a[href="/processing-times"]').length).toBeGreaterThan(0);
  });
});

describe('the inquiry rule', () => {
  it('asks from the day after the receipt date plus the published upper bound', () => {
    const inquiry = { date: '2026-01-08', source: 'published' as const };
    expect(inquiryOutcome('2026-01-07', inquiry, '2026-11-23')).toEqual({ kind: 'yes' });
    expect(inquiryOutcome('2026-01-08', inquiry, '2026-11-23')).toEqual({
      kind: 'no',
      inquiryDate: '2026-01-08',
      askOn: '2026-11-24',
    });
    // Received today: the whole published time (319 days) and one day more.
    expect(inquiryOutcome('2026-11-23', inquiry, '2026-11-23')).toMatchObject({ askOn: '2027-10-09' });
  });

  it('reads month, day and year boxes', () => {
    expect(receiptDate('4', '28', '2026')).toEqual({ kind: 'ok', iso: '2026-04-28' });
    expect(receiptDate('', '', '')).toEqual({ kind: 'empty' });
    expect(receiptDate('2', '29', '2027')).toEqual({ kind: 'invalid' });
    expect(receiptDate('2', '29', '2028')).toEqual({ kind: 'ok', iso: '2028-02-29' });
    expect(receiptDate('x', '1', '2026')).toEqual({ kind: 'invalid' });
  });
});
