import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestAgent } from '../../../test/agent.js';
import { createTestApp, type TestApp } from '../../../test/harness.js';
import { createStaffMember, type StaffPerson } from '../../../test/staff-support.js';
import type { StaffWorker } from '../service-items/index.js';
import type { RoutedItemInput } from '../service-items/index.js';
import { csvField } from '../../platform/csv.js';
import { qualityScoresByWeek } from './repository.js';
import { readReview, readSampleFilters, reviewFormValues, totalOf } from './rubric.js';

let t: TestApp;
let qa: StaffPerson; // quality assurance only: may not see Section 1367 interactions
let qa3: StaffPerson; // quality assurance and Tier 3: may
let admin: StaffPerson;
let agentOne: StaffPerson; // a Tier 1 agent whose interactions are reviewed
let agentThree: StaffPerson; // a Tier 3 agent (Section 1367 interactions)
let one: StaffWorker;
let three: StaffWorker;

const db = () => t.deps.database.db;
/** The fields of the review form. */
const REVIEW_FORM_FIELDS = [
  'greeting',
  'verification',
  'accuracy',
  'resolution',
  'courtesy',
  'wrong_answer',
  'article',
  'article_version',
  'comment',
];
const inquiry = (over: Partial<RoutedItemInput> = {}): RoutedItemInput => ({
  channel: 'phone',
  type: 'case_inquiry',
  contact: { name: 'Ana Caller', email: 'ana.caller@example.com' },
  language: 'en',
  subject: 'Where is my card?',
  description: 'Asked how to replace a lost green card.',
  ...over,
});

/** An interaction worked and resolved by `worker`: claimed, an internal note, a reply, resolved. */
async function resolvedItem(
  worker: StaffWorker,
  over: Partial<RoutedItemInput> = {},
): Promise<{ id: string; number: string }> {
  const { item } = await t.services.serviceItems.createRouted(inquiry(over));
  const claimed = await t.services.serviceItems.claimNext(worker);
  expect(claimed?.id).toBe(item.id);
  await t.services.serviceItems.note(item.id, worker, 'Internal: caller verified by date of birth.');
  await t.services.serviceItems.reply(item.id, worker, 'File Form I-90 to replace your card.');
  await t.services.serviceItems.resolve(item.id, worker, 'answered', 'Told the customer to file I-90.');
  return { id: item.id, number: String(item.number) };
}

const ARTICLE = {
  slug: '',
  audience: 'public',
  title_en: 'Replacing a lost green card',
  body_en: 'File Form I-90 online.',
  title_es: 'Cómo reemplazar una tarjeta verde perdida',
  body_es: 'Presente el Formulario I-90 en línea.',
  tags: 'green-card',
  change_note: 'First version.',
};
async function article(slug: string): Promise<void> {
  const made = await t.services.knowledge.create(null, { ...ARTICLE, slug, title_en: `${ARTICLE.title_en} ${slug}` });
  expect(made.ok).toBe(true);
}
async function revise(slug: string, base: number, note: string): Promise<void> {
  const current = (await t.services.knowledge.staffView(slug))!;
  const saved = await t.services.knowledge.revise(
    null,
    slug,
    {
      audience: current.audience,
      title_en: current.title_en,
      body_en: `${current.body_en} ${note}`,
      title_es: current.title_es,
      body_es: current.body_es,
      tags: current.tags.join(', '),
      change_note: note,
    },
    base,
  );
  expect(saved.ok).toBe(true);
}
const versionId = async (slug: string, version: number) =>
  (
    await db()
      .selectFrom('knowledge_article_versions as v')
      .innerJoin('knowledge_articles as a', 'a.id', 'v.article_id')
      .select('v.id')
      .where('a.slug', '=', slug)
      .where('v.version', '=', version)
      .executeTakeFirstOrThrow()
  ).id;

const GOOD = {
  greeting: '4',
  verification: '3',
  accuracy: '2',
  resolution: '4',
  courtesy: '4',
  wrong_answer: 'no',
  article: '',
  article_version: '',
  comment: '',
};

/** Opens the review page (a fresh CSRF token) and posts the review. */
async function review(agent: TestAgent, number: string, fields: Record<string, string>) {
  await agent.get(`/staff/quality/items/${number}`);
  return agent.post(`/staff/quality/items/${number}`, fields);
}
const reviewsOf = async (itemId: string) =>
  db().selectFrom('quality_reviews').selectAll().where('item_id', '=', itemId).execute();
const audit = async (action: string) =>
  db().selectFrom('audit_log').selectAll().where('action', '=', action).orderBy('id', 'desc').execute();
const sampleNumbers = (agent: TestAgent) =>
  agent
    .$('table tbody th a')
    .map((_, a) =>
      agent
        .$(a)
        .attr('href')!
        .replace(/^\/staff\/quality\/items\/(\d+).*$/, '$1'),
    )
    .get();

/** Follows the redirect that puts a drawn seed into the address. */
async function drawSample(agent: TestAgent, query: string): Promise<string> {
  const res = await agent.get(`/staff/quality?${query}`);
  if (res.statusCode === 303) {
    expect(res.headers.location).toMatch(/^\/staff\/quality\?.*seed=[A-Za-z0-9_-]+/);
    expect((await agent.get(res.headers.location as string)).statusCode).toBe(200);
    return res.headers.location as string;
  }
  expect(res.statusCode).toBe(200);
  return `/staff/quality?${query}`;
}

let items: { id: string; number: string }[] = [];
let protectedItem: { id: string; number: string };
let openItem: { id: string };

beforeAll(async () => {
  t = await createTestApp();
  qa = await createStaffMember(t, {
    email: 'quinn.qa@agency.example',
    name: 'Quinn Quality',
    roles: ['quality_assurance'],
    ip: '10.71.0.1',
  });
  qa3 = await createStaffMember(t, {
    email: 'tess.qa3@agency.example',
    name: 'Tess Three',
    roles: ['quality_assurance', 'tier3'],
    ip: '10.71.0.2',
  });
  admin = await createStaffMember(t, {
    email: 'ada.admin@agency.example',
    name: 'Ada Admin',
    roles: ['administrator'],
    ip: '10.71.0.3',
  });
  agentOne = await createStaffMember(t, {
    email: 'toni.one@agency.example',
    name: 'Toni One',
    roles: ['tier1'],
    ip: '10.71.0.4',
  });
  agentThree = await createStaffMember(t, {
    email: 'theo.three@agency.example',
    name: 'Theo Three',
    roles: ['tier3'],
    ip: '10.71.0.5',
  });
  one = { accountId: agentOne.accountId, roles: ['tier1'] };
  three = { accountId: agentThree.accountId, roles: ['tier3'] };
  // Start from empty queues: claims then take the items made here.
  await db()
    .updateTable('service_items')
    .set({ status: 'closed' })
    .where('status', 'not in', ['resolved', 'closed'])
    .execute();
  items = [];
  for (let i = 0; i < 8; i++) {
    items.push(await resolvedItem(one, { subject: `Question ${i}`, channel: i % 2 ? 'chat' : 'phone' }));
    t.clock.advance(60_000);
  }
  protectedItem = await resolvedItem(three, { section1367: true, subject: 'VAWA question' });
  openItem = (await t.services.serviceItems.createRouted(inquiry({ subject: 'still open' }))).item;
  await article('lost-card');
  await revise('lost-card', 1, 'Added the fee.'); // version 2 is current
  await article('fee-waiver');
});
afterAll(async () => t?.close());

describe('rules', () => {
  it('computes the total as a percentage of the rubric maximum', () => {
    expect(totalOf({ greeting: 4, verification: 4, accuracy: 4, resolution: 4, courtesy: 4 })).toBe(100);
    expect(totalOf({ greeting: 4, verification: 3, accuracy: 2, resolution: 4, courtesy: 4 })).toBe(85);
    expect(totalOf({ greeting: 0, verification: 0, accuracy: 0, resolution: 0, courtesy: 1 })).toBe(5);
  });

  it('reads any review form without throwing, and accepts only complete, in-range ones', () => {
    fc.assert(
      fc.property(
        fc.dictionary(
          fc.constantFrom(...REVIEW_FORM_FIELDS),
          fc.oneof(fc.string(), fc.constantFrom('0', '4', '5', '-1', '2.5', 'yes', 'no'), fc.array(fc.string())),
        ),
        (body) => {
          const read = readReview(reviewFormValues(body));
          if (read.ok) for (const v of Object.values(read.input.scores)) expect([0, 1, 2, 3, 4]).toContain(v);
        },
      ),
    );
    expect(readReview(reviewFormValues({ ...GOOD, greeting: ['1', '2'] }))).toMatchObject({
      ok: false,
      problems: [{ field: 'greeting', code: 'score_invalid' }],
    });
    expect(readSampleFilters({ n: '51' }, '2026-11-23', [])).toMatchObject({
      ok: false,
      problems: [{ field: 'n', code: 'size_invalid' }],
    });
    expect(readSampleFilters({}, '2026-11-23', [])).toMatchObject({
      ok: true,
      filters: { from: '2026-11-17', to: '2026-11-23', size: 10, seed: '' },
    });
  });

  it('neutralizes formula cells in the CSV', () => {
    expect(csvField('=SUM(A1)')).toBe("'=SUM(A1)");
    expect(csvField('@x,"y"')).toBe(`"'@x,""y"""`);
    expect(csvField(-3)).toBe('-3');
  });
});

describe('who may use quality review', () => {
  it('lets quality assurance and administrators in, and nobody else', async () => {
    for (const path of [
      '/staff/quality',
      '/staff/quality/tasks',
      '/staff/quality/scores',
      '/staff/quality/scores.csv',
      `/staff/quality/items/${items[0]!.number}`,
    ]) {
      expect((await agentOne.agent.get(path)).statusCode, path).toBe(403);
      expect((await agentThree.agent.get(path)).statusCode, path).toBe(403);
    }
    await agentOne.agent.get('/staff');
    expect(agentOne.agent.$('a[href="/staff/quality"]')).toHaveLength(0);
    await agentOne.agent.get('/staff');
    expect((await agentOne.agent.post(`/staff/quality/items/${items[0]!.number}`, GOOD)).statusCode).toBe(403);
    expect(await reviewsOf(items[0]!.id)).toHaveLength(0);
    for (const person of [qa, admin]) {
      await person.agent.get('/staff');
      expect(person.agent.$('a[href="/staff/quality"]').length).toBeGreaterThan(0);
      await drawSample(person.agent, '');
      expect(person.agent.$('h1')).toHaveLength(1);
      expect(person.agent.$('h1').text()).toBe('Quality review');
      expect((await person.agent.get('/staff/quality/tasks')).statusCode).toBe(200);
      expect((await person.agent.get('/staff/quality/scores')).statusCode).toBe(200);
    }
  });
});

describe('sampling', () => {
  it('draws a reproducible sample by its seed, in md5(id || seed) order', async () => {
    const query = `agent=${agentOne.accountId}&n=5&seed=audit-2026`;
    await drawSample(qa.agent, query);
    const first = sampleNumbers(qa.agent);
    expect(first).toHaveLength(5);
    expect(qa.agent.$('#sample-seed code').text()).toBe('audit-2026');
    expect(qa.agent.$('#seed').val()).toBe('audit-2026');
    expect(qa.agent.$('#sample-count').text()).toContain('5 interactions drawn from 8');
    // The same address, again and by someone else: the same items in the same order.
    await drawSample(qa.agent, query);
    expect(sampleNumbers(qa.agent)).toEqual(first);
    await drawSample(admin.agent, query);
    expect(sampleNumbers(admin.agent)).toEqual(first);
    const md5 = (s: string) => createHash('md5').update(s).digest('hex');
    const expected = [...items]
      .sort((a, b) => (md5(a.id + 'audit-2026') < md5(b.id + 'audit-2026') ? -1 : 1))
      .slice(0, 5)
      .map((i) => i.number);
    expect(first).toEqual(expected);
    // Other seeds rank them otherwise.
    const orders = new Set<string>();
    for (const seed of ['a', 'b', 'c', 'd', 'e']) {
      await drawSample(qa.agent, `agent=${agentOne.accountId}&n=8&seed=${seed}`);
      orders.add(sampleNumbers(qa.agent).join());
    }
    expect(orders.size).toBeGreaterThan(1);
    // Without a seed, one is drawn and put into the address.
    const location = await drawSample(qa.agent, `agent=${agentOne.accountId}&n=3`);
    expect(new URL(location, 'http://x').searchParams.get('n')).toBe('3');
    const draws = await audit('quality.sample_drawn');
    expect(draws[0]!.actor_id).toBe(qa.accountId);
    expect(draws[0]!.details).toMatchObject({ eligible: 8, items: sampleNumbers(qa.agent) });
  });

  it('filters by channel, and leaves out open items and other periods', async () => {
    await drawSample(qa.agent, 'channel=chat&n=50&seed=x');
    expect(sampleNumbers(qa.agent).sort()).toEqual(
      items
        .filter((_, i) => i % 2)
        .map((i) => i.number)
        .sort(),
    );
    await drawSample(qa.agent, 'n=50&seed=x');
    expect(sampleNumbers(qa.agent)).not.toContain(String((await t.services.serviceItems.byId(openItem.id))!.number));
    await drawSample(qa.agent, 'from=2026-10-01&to=2026-10-31&n=50&seed=x');
    expect(sampleNumbers(qa.agent)).toEqual([]);
    expect(qa.agent.$('.usa-alert').text()).toContain('No interaction to review');
  });

  it('leaves Section 1367 interactions out for quality assurance alone, and says how many', async () => {
    await drawSample(qa.agent, 'n=50&seed=p');
    expect(sampleNumbers(qa.agent)).not.toContain(protectedItem.number);
    expect(qa.agent.$('#sample-withheld').text()).toContain('1 Section 1367 interaction of this period was left out');
    expect((await qa.agent.get(`/staff/quality/items/${protectedItem.number}`)).statusCode).toBe(404);
    await qa.agent.get('/staff/quality/tasks');
    expect((await qa.agent.post(`/staff/quality/items/${protectedItem.number}`, GOOD)).statusCode).toBe(404);
    // Quality assurance who is also Tier 3 may see them.
    await drawSample(qa3.agent, 'n=50&seed=p');
    expect(sampleNumbers(qa3.agent)).toContain(protectedItem.number);
    expect(qa3.agent.$('#sample-withheld')).toHaveLength(0);
    expect((await qa3.agent.get(`/staff/quality/items/${protectedItem.number}`)).statusCode).toBe(200);
  });

  it('refuses bad filters with an error summary, never a 5xx', async () => {
    const res = await qa.agent.get(
      '/staff/quality?from=2026-02-30&to=2026-01-01&n=0&seed=no%20spaces&channel=fax&agent=nobody',
    );
    expect(res.statusCode).toBe(400);
    expect(
      qa.agent
        .$('#error-summary a')
        .map((_, a) => qa.agent.$(a).attr('href'))
        .get(),
    ).toEqual(['#from', '#channel', '#agent', '#n', '#seed']);
    expect((await qa.agent.get('/staff/quality?from=2026-01-01&to=2026-11-23&seed=x')).statusCode).toBe(400);
    expect(qa.agent.errorSummary()).toEqual(['Choose a period of at most 93 days.']);
    await fc.assert(
      fc.asyncProperty(
        fc.string({ maxLength: 60 }),
        fc.constantFrom('from', 'to', 'n', 'seed', 'channel', 'agent', 'sample'),
        async (value, name) => {
          const res = await qa.agent.get(`/staff/quality?seed=s&${name}=${encodeURIComponent(value)}`);
          expect(res.statusCode).toBeLessThan(500);
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe('reviewing an interaction', () => {
  it('shows the interaction with its timeline, internal notes included, and audits the read', async () => {
    const item = items[0]!;
    const res = await qa.agent.get(
      `/staff/quality/items/${item.number}?sample=${encodeURIComponent('n=5&seed=abc&evil=https://x.example')}`,
    );
    expect(res.statusCode).toBe(200);
    const $ = qa.agent.$;
    expect($('h1').text()).toBe(`Review of service item #${item.number}`);
    expect($('table').first().text()).toContain('Toni One');
    expect($('table').first().text()).toContain('Phone');
    expect($('.usa-process-list').text()).toContain('Internal: caller verified by date of birth.');
    expect($('.usa-process-list').text()).toContain('Internal note');
    expect(
      $('a')
        .filter((_, a) => $(a).text() === 'Back to the sample')
        .attr('href'),
    ).toBe('/staff/quality?n=5&seed=abc');
    // The rubric: five radio groups 0-4 with a description of each level.
    for (const c of ['greeting', 'verification', 'accuracy', 'resolution', 'courtesy'])
      expect($(`input[name=${c}]`)).toHaveLength(5);
    expect($('label[for=accuracy]').text()).toContain('could harm the customer');
    expect(
      $('select[name=article] option')
        .map((_, o) => $(o).val())
        .get(),
    ).toEqual(expect.arrayContaining(['', 'lost-card', 'fee-waiver']));
    expect((await audit('quality.item_viewed'))[0]).toMatchObject({
      actor_id: qa.accountId,
      subject_type: 'service_item',
      subject_id: item.id,
    });
    // Finding an article narrows the list.
    await qa.agent.get(`/staff/quality/items/${item.number}?q=${encodeURIComponent('lost-card')}`);
    expect(qa.agent.$('select[name=article] option').length).toBeGreaterThan(1);
  });

  it('stores the scores and the total, audits the review, and refuses a second review by the same reviewer', async () => {
    const item = items[0]!;
    const res = await review(qa.agent, item.number, { ...GOOD, comment: 'Good call.', sample: 'n=5&seed=abc' });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(
      `/staff/quality/items/${item.number}?done=saved&sample=${encodeURIComponent('n=5&seed=abc')}`,
    );
    const [row] = await reviewsOf(item.id);
    expect(row).toMatchObject({
      reviewer_id: qa.accountId,
      agent_id: agentOne.accountId,
      wrong_answer: false,
      article_version_id: null,
      comment: 'Good call.',
    });
    expect(row!.scores).toEqual({ greeting: 4, verification: 3, accuracy: 2, resolution: 4, courtesy: 4 });
    expect(Number(row!.total)).toBe(85);
    expect((await audit('quality.review_saved'))[0]).toMatchObject({ actor_id: qa.accountId, subject_id: item.id });
    expect((await audit('quality.review_saved'))[0]!.details).toMatchObject({
      total: 85,
      wrongAnswer: false,
      taskId: null,
    });
    await qa.agent.get(res.headers.location as string);
    expect(qa.agent.$('[role=alert]').text()).toContain('Your review is saved.');
    expect(qa.agent.$('#review-total').text()).toContain('85');
    expect(qa.agent.$('form[action^="/staff/quality/items"][method=post]')).toHaveLength(0);
    // Once saved, a review is a record: a second post is refused and changes nothing.
    const again = await qa.agent.post(`/staff/quality/items/${item.number}`, { ...GOOD, greeting: '0' });
    expect(again.statusCode).toBe(409);
    expect(qa.agent.$('[role=alert]').text()).toContain('already reviewed');
    expect(await reviewsOf(item.id)).toHaveLength(1);
    expect(Number((await reviewsOf(item.id))[0]!.total)).toBe(85);
    // ... and the item leaves this reviewer's samples, not another's.
    await drawSample(qa.agent, `agent=${agentOne.accountId}&n=50&seed=z`);
    expect(sampleNumbers(qa.agent)).not.toContain(item.number);
    expect(qa.agent.$('#sample-count').text()).toContain('from 7');
    await drawSample(admin.agent, `agent=${agentOne.accountId}&n=50&seed=z`);
    expect(sampleNumbers(admin.agent)).toContain(item.number);
  });

  it('refuses bad input with an error summary and saves nothing', async () => {
    const item = items[1]!;
    const cases: [Record<string, string>, string[]][] = [
      [{}, ['#greeting', '#verification', '#accuracy', '#resolution', '#courtesy', '#wrong_answer']],
      [{ ...GOOD, accuracy: '5', courtesy: '-1' }, ['#accuracy', '#courtesy']],
      [{ ...GOOD, greeting: '2.5' }, ['#greeting']],
      [{ ...GOOD, wrong_answer: 'maybe' }, ['#wrong_answer']],
      [{ ...GOOD, wrong_answer: 'yes' }, ['#comment']],
      [{ ...GOOD, article: 'lost-card' }, ['#article']],
      [{ ...GOOD, wrong_answer: 'yes', comment: 'x', article: 'no-such-article' }, ['#article']],
      [
        { ...GOOD, wrong_answer: 'yes', comment: 'x', article: 'lost-card', article_version: '9' },
        ['#article_version'],
      ],
      [{ ...GOOD, wrong_answer: 'yes', comment: 'x', article_version: '1' }, ['#article_version']],
      [{ ...GOOD, comment: 'x'.repeat(2001) }, ['#comment']],
    ];
    for (const [fields, links] of cases) {
      const res = await review(qa.agent, item.number, fields);
      expect(res.statusCode, JSON.stringify(fields).slice(0, 100)).toBe(400);
      expect(
        qa.agent
          .$('#error-summary a')
          .map((_, a) => qa.agent.$(a).attr('href'))
          .get(),
        JSON.stringify(fields).slice(0, 100),
      ).toEqual(links);
      expect(qa.agent.$('title').text()).toMatch(/^There is a problem/);
    }
    expect(qa.agent.errorSummary()[0]).toBe('The comment must have at most 2,000 characters.');
    await review(qa.agent, item.number, { ...GOOD, accuracy: '5' });
    expect(qa.agent.errorSummary()).toEqual(['Choose a score from 0 to 4 for Accuracy of the answer.']);
    // What was chosen stays chosen.
    expect(qa.agent.$('input[name=greeting][value="4"]').attr('checked')).toBeDefined();
    expect(await reviewsOf(item.id)).toHaveLength(0);
    expect(await db().selectFrom('article_fix_tasks').selectAll().execute()).toHaveLength(0);
  });

  it('does not let a reviewer review an open interaction or their own', async () => {
    const open = (await t.services.serviceItems.byId(openItem.id))!;
    await qa.agent.get(`/staff/quality/items/${open.number}`);
    expect(qa.agent.$('.usa-alert').text()).toContain('not resolved yet');
    expect((await qa.agent.post(`/staff/quality/items/${open.number}`, GOOD)).statusCode).toBe(409);
    const own = await resolvedItem(
      { accountId: qa3.accountId, roles: ['tier3'] },
      { section1367: true, subject: 'own' },
    );
    await drawSample(qa3.agent, 'n=50&seed=own');
    expect(sampleNumbers(qa3.agent)).not.toContain(own.number);
    await qa3.agent.get(`/staff/quality/items/${own.number}`);
    expect(qa3.agent.$('.usa-alert').text()).toContain('You handled this interaction yourself');
    expect((await qa3.agent.post(`/staff/quality/items/${own.number}`, GOOD)).statusCode).toBe(409);
    expect(await reviewsOf(own.id)).toHaveLength(0);
  });
});

describe('wrong answers and article fix tasks', () => {
  it('opens a task pointing at the article version current at the review', async () => {
    const item = items[2]!;
    const res = await review(qa.agent, item.number, {
      ...GOOD,
      accuracy: '0',
      wrong_answer: 'yes',
      article: 'lost-card',
      comment: 'Said no fee; the fee is $465.',
    });
    expect(res.statusCode).toBe(303);
    const v2 = await versionId('lost-card', 2);
    const [row] = await reviewsOf(item.id);
    expect(row).toMatchObject({ wrong_answer: true, article_version_id: v2 });
    expect(Number(row!.total)).toBe(75);
    const [task] = await db().selectFrom('article_fix_tasks').selectAll().where('review_id', '=', row!.id).execute();
    expect(task).toMatchObject({
      status: 'open',
      flagged_version_id: v2,
      opened_at_version: 2,
      closed_at: null,
      fixed_version_id: null,
    });
    await qa.agent.get(res.headers.location as string);
    expect(qa.agent.$('a[href="/staff/knowledge/lost-card/versions/2"]')).toHaveLength(1);
    expect(qa.agent.$(`a[href="/staff/quality/tasks/${task!.id}"]`).text()).toBe('Open');

    await qa.agent.get('/staff/quality/tasks');
    const openTable = qa.agent.$('table').first();
    expect(openTable.find('caption').text()).toBe('1 open task');
    expect(openTable.text()).toContain('Said no fee; the fee is $465.');
    expect(openTable.find('a[href="/staff/knowledge/lost-card/versions/2"]').text()).toBe('version 2');
    expect(openTable.find('a[href="/staff/knowledge/lost-card/edit"]')).toHaveLength(1);
    await qa.agent.get(`/staff/quality/tasks/${task!.id}`);
    expect(qa.agent.$('h1').text()).toContain('Replacing a lost green card lost-card');
    expect(qa.agent.$('form[action$="/dismiss"]')).toHaveLength(1);
  });

  it('records a chosen older version, and a wrong answer without an article opens no task', async () => {
    await review(qa.agent, items[3]!.number, {
      ...GOOD,
      wrong_answer: 'yes',
      article: 'lost-card',
      article_version: '1',
      comment: 'Read the old version.',
    });
    const [row] = await reviewsOf(items[3]!.id);
    expect(row!.article_version_id).toBe(await versionId('lost-card', 1));
    const task = await db()
      .selectFrom('article_fix_tasks')
      .selectAll()
      .where('review_id', '=', row!.id)
      .executeTakeFirstOrThrow();
    expect(task).toMatchObject({ flagged_version_id: await versionId('lost-card', 1), opened_at_version: 2 });
    await review(qa.agent, items[4]!.number, { ...GOOD, wrong_answer: 'yes', comment: 'Made it up.' });
    const [bare] = await reviewsOf(items[4]!.id);
    expect(bare).toMatchObject({ wrong_answer: true, article_version_id: null });
    expect(
      await db().selectFrom('article_fix_tasks').selectAll().where('review_id', '=', bare!.id).execute(),
    ).toHaveLength(0);
  });

  it('closes the tasks as done when a newer version of the article is saved, recording it', async () => {
    const before = await db().selectFrom('article_fix_tasks').selectAll().where('status', '=', 'open').execute();
    expect(before).toHaveLength(2);
    // In the same millisecond as the review: the version number, not the time, tells the fix.
    await revise('lost-card', 2, 'Fee corrected to $465.');
    const v3 = await versionId('lost-card', 3);
    await qa.agent.get('/staff/quality/tasks');
    const after = await db().selectFrom('article_fix_tasks').selectAll().execute();
    expect(after.map((a) => a.status)).toEqual(['done', 'done']);
    for (const task of after) expect(task).toMatchObject({ fixed_version_id: v3, closed_by: null });
    expect(qa.agent.$('.usa-alert').first().text()).toContain('There are no open tasks.');
    expect(qa.agent.$('a[href="/staff/knowledge/lost-card/versions/3"]').first().text()).toBe('fixed in version 3');
    expect(await audit('quality.fix_task_done')).toHaveLength(2);
    // The history stays: every version still readable.
    expect((await qa.agent.get('/staff/knowledge/lost-card/versions/2')).statusCode).toBe(200);
  });

  it('lets quality assurance dismiss an open task with a note, once', async () => {
    t.clock.advance(60_000);
    await review(qa.agent, items[5]!.number, {
      ...GOOD,
      wrong_answer: 'yes',
      article: 'fee-waiver',
      comment: 'Agent misread it; the article is right.',
    });
    const task = await db()
      .selectFrom('article_fix_tasks')
      .selectAll()
      .where('status', '=', 'open')
      .executeTakeFirstOrThrow();
    await qa.agent.get(`/staff/quality/tasks/${task.id}`);
    const empty = await qa.agent.post(`/staff/quality/tasks/${task.id}/dismiss`, { note: '   ' });
    expect(empty.statusCode).toBe(400);
    expect(qa.agent.errorSummary()).toEqual(['Write why the article needs no change.']);
    const long = await qa.agent.post(`/staff/quality/tasks/${task.id}/dismiss`, { note: 'x'.repeat(501) });
    expect(long.statusCode).toBe(400);
    expect(
      (await db().selectFrom('article_fix_tasks').select('status').where('id', '=', task.id).executeTakeFirstOrThrow())
        .status,
    ).toBe('open');
    const ok = await qa.agent.post(`/staff/quality/tasks/${task.id}/dismiss`, {
      note: 'The article is right; coaching instead.',
    });
    expect(ok.statusCode).toBe(303);
    expect(ok.headers.location).toBe('/staff/quality/tasks?done=dismissed');
    expect(
      await db().selectFrom('article_fix_tasks').selectAll().where('id', '=', task.id).executeTakeFirstOrThrow(),
    ).toMatchObject({
      status: 'dismissed',
      closed_by: qa.accountId,
      note: 'The article is right; coaching instead.',
      fixed_version_id: null,
    });
    expect((await audit('quality.fix_task_dismissed'))[0]).toMatchObject({
      actor_id: qa.accountId,
      subject_id: task.id,
    });
    await qa.agent.get(`/staff/quality/tasks/${task.id}`);
    expect(qa.agent.$('form[action$="/dismiss"]')).toHaveLength(0);
    const again = await qa.agent.post(`/staff/quality/tasks/${task.id}/dismiss`, { note: 'again' });
    expect(again.statusCode).toBe(409);
    // A later edit of the article leaves a dismissed task dismissed.
    await revise('fee-waiver', 1, 'Unrelated edit.');
    await qa.agent.get('/staff/quality/tasks');
    expect(
      (await db().selectFrom('article_fix_tasks').select('status').where('id', '=', task.id).executeTakeFirstOrThrow())
        .status,
    ).toBe('dismissed');
    for (const id of ['not-a-uuid', '00000000-0000-4000-8000-000000000000']) {
      expect((await qa.agent.get(`/staff/quality/tasks/${id}`)).statusCode).toBe(404);
      await qa.agent.get('/staff/quality/tasks');
      expect((await qa.agent.post(`/staff/quality/tasks/${id}/dismiss`, { note: 'x' })).statusCode).toBe(404);
    }
  });

  it('withholds the comment of a Section 1367 interaction from those who may not see it', async () => {
    t.clock.advance(60_000);
    const res = await review(qa3.agent, protectedItem.number, {
      ...GOOD,
      wrong_answer: 'yes',
      article: 'fee-waiver',
      comment: 'VAWA details here.',
    });
    expect(res.statusCode).toBe(303);
    await qa.agent.get('/staff/quality/tasks');
    expect(qa.agent.$('table').first().text()).not.toContain('VAWA details here.');
    expect(qa.agent.$('table').first().text()).toContain('Withheld: a Section 1367 interaction.');
    await qa3.agent.get('/staff/quality/tasks');
    expect(qa3.agent.$('table').first().text()).toContain('VAWA details here.');
  });
});

describe('scores', () => {
  it('shows averages per agent and week, and exports them as CSV with formula cells neutralized', async () => {
    // An agent whose name a spreadsheet would run as a formula.
    await db()
      .updateTable('staff_members')
      .set({ display_name: '=HYPERLINK("http://x.example","Toni")' })
      .where('account_id', '=', agentOne.accountId)
      .execute();
    const page = await qa.agent.get('/staff/quality/scores');
    expect(page.statusCode).toBe(200);
    const agents = qa.agent.$('table').first();
    const row = agents.find('tbody tr').filter((_, tr) => qa.agent.$(tr).find('th').text().startsWith('=HYPERLINK'));
    // Reviews of Toni's items: 85, 75 (wrong), 85 (wrong, no article), 85 (wrong, v1), 85 (wrong, dismissed) -> 83.
    expect(
      row
        .find('td')
        .map((_, td) => qa.agent.$(td).text())
        .get(),
    ).toEqual(['5', '83.0 %', '4']);
    expect(qa.agent.$('table').eq(1).find('tbody tr')).toHaveLength(12);
    expect((await audit('quality.scores_viewed'))[0]!.actor_id).toBe(qa.accountId);

    const csv = await qa.agent.get('/staff/quality/scores.csv');
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(csv.headers['content-disposition']).toBe('attachment; filename="quality-scores-2026-11-23.csv"');
    const lines = csv.body.split('\r\n');
    expect(lines[0]).toBe('\uFEFFweek_start,agent_id,agent_name,reviews,average_total,wrong_answers');
    expect(lines).toContain(`2026-11-23,${agentOne.accountId},"'=HYPERLINK(""http://x.example"",""Toni"")",5,83.00,4`);
    expect(lines).toContain(`2026-11-23,${agentThree.accountId},Theo Three,1,85.00,1`);
    expect(lines.at(-1)).toBe('');
    expect((await audit('quality.scores_exported'))[0]!.actor_id).toBe(qa.accountId);

    const rows = await qualityScoresByWeek(db(), new Date('2026-11-01T00:00:00Z'), { timeZone: 'America/New_York' });
    expect(rows.find((r) => r.agentId === agentOne.accountId)).toMatchObject({
      weekStart: '2026-11-23',
      reviews: 5,
      averageTotal: 83,
      wrongAnswers: 4,
    });
    expect(await qualityScoresByWeek(db(), new Date('2026-11-24T00:00:00Z'))).toEqual([]);
  });
});

describe('arbitrary review posts', () => {
  it('never answer a 5xx, and save only a complete review', async () => {
    const item = items[7]!;
    const value = fc.oneof(
      fc.string({ maxLength: 30 }),
      fc.constantFrom('0', '4', '5', 'yes', 'no', 'lost-card', '1', '99', '<b>', '\u0000'),
      fc.array(fc.string({ maxLength: 5 }), { maxLength: 2 }),
    );
    const keys = fc.constantFrom(...REVIEW_FORM_FIELDS, 'sample');
    await fc.assert(
      fc.asyncProperty(fc.dictionary(keys, value, { maxKeys: 10 }), async (fields) => {
        await admin.agent.get(`/staff/quality/items/${item.number}`);
        const res = await admin.agent.post(`/staff/quality/items/${item.number}`, fields);
        expect([303, 400, 409]).toContain(res.statusCode);
      }),
      { numRuns: 40 },
    );
    expect(
      (
        await db()
          .selectFrom('quality_reviews')
          .select('id')
          .where('item_id', '=', item.id)
          .where('reviewer_id', '=', admin.accountId)
          .execute()
      ).length,
    ).toBeLessThanOrEqual(1);
  });
});

describe('in Spanish', () => {
  it('shows every quality page and its errors in Spanish', async () => {
    await drawSample(qa.agent, 'lang=es&n=5&seed=es');
    expect(qa.agent.$('html').attr('lang')).toBe('es');
    expect(qa.agent.$('h1').text()).toBe('Revisión de calidad');
    const item = items[6]!;
    await qa.agent.get(`/staff/quality/items/${item.number}?lang=es`);
    expect(qa.agent.$('h1').text()).toBe(`Revisión del caso de servicio #${item.number}`);
    expect(qa.agent.$('label[for=accuracy]').text()).toContain('podía perjudicar el caso del cliente');
    expect(qa.agent.$('.usa-process-list').text()).toContain('Nota interna');
    const res = await qa.agent.post(`/staff/quality/items/${item.number}`, { ...GOOD, greeting: '' });
    expect(res.statusCode).toBe(400);
    expect(qa.agent.errorSummary()).toEqual(['Elija un puntaje para Saludo.']);
    await qa.agent.get('/staff/quality/tasks?lang=es');
    expect(qa.agent.$('h1').text()).toBe('Tareas de corrección de artículos');
    await qa.agent.get('/staff/quality/scores?lang=es');
    expect(qa.agent.$('h1').text()).toBe('Puntajes de calidad');
    await qa.agent.get('/staff/quality?lang=en&seed=en');
  });
});
