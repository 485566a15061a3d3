import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUpApplicant, type Applicant } from '../../../test/accounts-support.js';
import { TestAgent } from '../../../test/agent.js';
import { createTestApp, type TestApp } from '../../../test/harness.js';
import { createStaffMember, type StaffPerson } from '../../../test/staff-support.js';
import { seedKnowledgeArticles, suggestFor } from './index.js';
import { DEMO_ARTICLES } from './seed.js';
import { anyWordsQuery, paragraphs, parseTags, readArticleInput, slugify } from './text.js';

let t: TestApp;
let qa: StaffPerson;
let tier1: StaffPerson;
let applicant: Applicant;
beforeAll(async () => {
  t = await createTestApp();
  expect(await seedKnowledgeArticles(t.deps.database.db, t.deps)).toBe(DEMO_ARTICLES.length);
  qa = await createStaffMember(t, {
    email: 'quinn.qa@agency.example',
    name: 'Quinn Review',
    roles: ['quality_assurance'],
    ip: '10.66.0.1',
  });
  tier1 = await createStaffMember(t, {
    email: 'toni.tier1@agency.example',
    name: 'Toni One',
    roles: ['tier1'],
    ip: '10.66.0.2',
  });
  applicant = await signUpApplicant(t, 'reader.person@example.com', '10.66.0.3');
});
afterAll(async () => t?.close());

const db = () => t.deps.database.db;
const countVersions = async () =>
  Number(
    (
      await db()
        .selectFrom('knowledge_article_versions')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );
const audit = async (action: string) =>
  db().selectFrom('audit_log').selectAll().where('action', '=', action).orderBy('id', 'desc').execute();
const resultSlugs = (agent: TestAgent) =>
  agent
    .$('.usa-collection__heading a')
    .map((_, a) => agent.$(a).attr('href')!.replace('/help/articles/', ''))
    .get();
const staffSlugs = (agent: TestAgent) =>
  agent
    .$('table')
    .first()
    .find('tbody th a')
    .map((_, a) => agent.$(a).attr('href')!.replace('/staff/knowledge/', ''))
    .get();

const ARTICLE = {
  slug: '',
  audience: 'public',
  title_en: 'Replacing a lost green card',
  body_en:
    'File Form I-90 online to replace a lost, stolen or damaged card.\n\nYou can check the category of your card on its front.',
  title_es: 'Cómo reemplazar una tarjeta verde perdida',
  body_es:
    'Presente el Formulario I-90 en línea para reemplazar una tarjeta perdida, robada o dañada.\n\nPuede ver la categoría de su tarjeta en el frente.',
  tags: 'green-card, I-90',
  change_note: 'First version.',
};

async function createArticle(fields: Record<string, string>) {
  await qa.agent.get('/staff/knowledge/new');
  return qa.agent.post('/staff/knowledge/new', fields);
}

describe('text rules', () => {
  it('makes slugs, tags, paragraphs and any-word queries', () => {
    expect(slugify('¿Qué es una Solicitud de Evidencia?')).toBe('que-es-una-solicitud-de-evidencia');
    expect(slugify('a'.repeat(100))).toHaveLength(80);
    expect(parseTags('RFE,  Case status, rfe')).toEqual(['rfe', 'case-status']);
    expect(parseTags('bad/tag')).toBeUndefined();
    expect(paragraphs('One\nline two\n\n\n  \nThree')).toEqual([['One', 'line two'], ['Three']]);
    expect(anyWordsQuery('Lost "card" -or- OR  passport!')).toBe('lost or card or passport');
    expect(readArticleInput({ ...ARTICLE, title_en: 'x'.repeat(201) })).toMatchObject({
      ok: false,
      problems: [{ field: 'title_en', code: 'title_en_too_long' }],
    });
  });
});

describe('the demo seed', () => {
  it('is idempotent', async () => {
    expect(await seedKnowledgeArticles(db(), t.deps)).toBe(0);
    const rows = await db().selectFrom('knowledge_articles').select(['slug', 'audience', 'current_version']).execute();
    expect(rows).toHaveLength(DEMO_ARTICLES.length);
    expect(
      rows
        .filter((r) => r.audience === 'agents')
        .map((r) => r.slug)
        .sort(),
    ).toEqual([
      'caller-verification',
      'expedite-requests',
      'section-1367-inquiries',
      'urgent-and-non-urgent-inquiries',
    ]);
  });
});

describe('public help articles', () => {
  it('lists public articles only and shows one in the page language', async () => {
    const visitor = new TestAgent(t.app, '10.66.1.1');
    expect((await visitor.get('/help/articles')).statusCode).toBe(200);
    expect(visitor.$('h1')).toHaveLength(1);
    expect(resultSlugs(visitor).sort()).toEqual([
      'add-a-paper-case-with-an-online-access-code',
      'check-your-case-status',
      'request-a-new-online-access-code',
      'what-is-a-request-for-evidence',
    ]);
    await visitor.get('/help/articles/what-is-a-request-for-evidence');
    expect(visitor.$('h1').text()).toBe('What a Request for Evidence (RFE) is and how to respond');
    expect(visitor.$('article p').length).toBeGreaterThanOrEqual(4);
    await visitor.get('/help/articles/what-is-a-request-for-evidence?lang=es');
    expect(visitor.$('html').attr('lang')).toBe('es');
    expect(visitor.$('h1').text()).toBe('Qué es una Solicitud de Evidencia (RFE) y cómo responder');
    await visitor.get('/help/articles?lang=es');
    expect(visitor.$('h1').text()).toBe('Artículos de ayuda');
  });

  it('searches English with stemming and Spanish without regard to accents', async () => {
    const visitor = new TestAgent(t.app, '10.66.1.2');
    await visitor.get('/help/articles?lang=en&q=evidence+requests');
    expect(resultSlugs(visitor)[0]).toBe('what-is-a-request-for-evidence');
    await visitor.get('/help/articles?q=expired+access+codes');
    expect(resultSlugs(visitor)[0]).toBe('request-a-new-online-access-code');
    await visitor.get('/help/articles?lang=es&q=solicitud+de+evidencia');
    expect(resultSlugs(visitor)[0]).toBe('what-is-a-request-for-evidence');
    expect(visitor.$('[role=status]').text()).toContain('solicitud de evidencia');
    // Accents typed or not: the same results.
    await visitor.get(`/help/articles?q=${encodeURIComponent('codigo de acceso vencido')}`);
    const without = resultSlugs(visitor);
    await visitor.get(`/help/articles?q=${encodeURIComponent('código de acceso vencído')}`);
    expect(resultSlugs(visitor)).toEqual(without);
    expect(without[0]).toBe('request-a-new-online-access-code');
    // A decomposed accent (e + combining acute) too.
    await visitor.get(`/help/articles?q=${encodeURIComponent('nu\u0301mero de recibo')}`);
    expect(resultSlugs(visitor)).toContain('check-your-case-status');
    // Nothing found; only stop words; search syntax characters: an answer, never an error.
    for (const q of ['zzzxqv', 'de la el', '"" or - ) ( :* & | ! <->', "'; drop table knowledge_articles; --"]) {
      const res = await visitor.get(`/help/articles?q=${encodeURIComponent(q)}`);
      expect(res.statusCode, q).toBe(200);
      expect(resultSlugs(visitor), q).toEqual([]);
    }
  });

  it('never shows agent-only articles to the public', async () => {
    const visitor = new TestAgent(t.app, '10.66.1.3');
    for (const q of ['verification questions interpreter', 'Section 1367 VAWA', 'expedite owning office']) {
      await visitor.get(`/help/articles?lang=en&q=${encodeURIComponent(q)}`);
      expect(resultSlugs(visitor), q).toEqual([]);
    }
    await visitor.get(`/help/articles?lang=es&q=${encodeURIComponent('sección 1367')}`);
    expect(resultSlugs(visitor)).toEqual([]);
    for (const slug of [
      'caller-verification',
      'section-1367-inquiries',
      'expedite-requests',
      'no-such-article',
      'NEW',
      '..%2f..%2fetc',
    ]) {
      expect((await visitor.get(`/help/articles/${slug}`)).statusCode, slug).toBe(404);
    }
    // A signed-in applicant is the public too.
    expect((await applicant.agent.get('/help/articles/section-1367-inquiries')).statusCode).toBe(404);
  });

  it('refuses a search over 200 characters with an error summary', async () => {
    const visitor = new TestAgent(t.app, '10.66.1.4');
    const res = await visitor.get(`/help/articles?lang=en&q=${'evidence '.repeat(30)}`);
    expect(res.statusCode).toBe(400);
    expect(visitor.errorSummary()).toEqual(['Search with 200 characters or fewer']);
    expect(visitor.$('#q').attr('aria-invalid')).toBe('true');
  });

  it('links from the technical-help form', async () => {
    const visitor = new TestAgent(t.app, '10.66.1.5');
    await visitor.get('/help/technical?lang=en');
    expect(visitor.$('main a[href="/help/articles"]')).toHaveLength(1);
  });
});

describe('staff pages', () => {
  it('are closed to visitors and applicants', async () => {
    const visitor = new TestAgent(t.app, '10.66.2.1');
    for (const url of [
      '/staff/knowledge',
      '/staff/knowledge/new',
      '/staff/knowledge/caller-verification',
      '/staff/knowledge/caller-verification/versions/1',
      '/staff/knowledge/caller-verification/edit',
    ]) {
      expect((await visitor.get(url)).headers.location, url).toBe('/account/sign-in');
      expect((await applicant.agent.get(url)).statusCode, url).toBe(403);
    }
    await applicant.agent.get('/account');
    expect((await applicant.agent.post('/staff/knowledge/caller-verification/archive', {})).statusCode).toBe(403);
    expect((await applicant.agent.post('/staff/knowledge/new', ARTICLE)).statusCode).toBe(403);
  });

  it('let Tier 1 read and search every article, in both languages, but not write', async () => {
    await tier1.agent.get('/staff?lang=en');
    expect(tier1.agent.$('a[href="/staff/knowledge"]').length).toBeGreaterThan(0);
    await tier1.agent.get('/staff/knowledge');
    expect(tier1.agent.$('h1').text()).toBe('Knowledge articles');
    expect(staffSlugs(tier1.agent)).toHaveLength(DEMO_ARTICLES.length);
    expect(tier1.agent.$('a[href="/staff/knowledge/new"]')).toHaveLength(0);
    // Agents search English and Spanish at once; agent-only articles are found.
    await tier1.agent.get('/staff/knowledge?q=verificaci%C3%B3n+int%C3%A9rprete');
    expect(staffSlugs(tier1.agent)[0]).toBe('caller-verification');
    await tier1.agent.get('/staff/knowledge?q=VAWA');
    expect(staffSlugs(tier1.agent)).toEqual(['section-1367-inquiries']);
    await tier1.agent.get('/staff/knowledge/section-1367-inquiries');
    expect(tier1.agent.$('div[lang=en] h2').text()).toBe('Handling Section 1367 (VAWA, T and U) inquiries');
    expect(tier1.agent.$('div[lang=es] h2').text()).toBe('Cómo atender consultas de la Sección 1367 (VAWA, T y U)');
    expect(tier1.agent.$('a[href$="/edit"]')).toHaveLength(0);
    expect(tier1.agent.$('form[action$="/archive"]')).toHaveLength(0);
    // Writing is refused, and nothing changes.
    const before = await countVersions();
    expect((await tier1.agent.get('/staff/knowledge/new')).statusCode).toBe(403);
    expect((await tier1.agent.get('/staff/knowledge/section-1367-inquiries/edit')).statusCode).toBe(403);
    await tier1.agent.get('/staff/knowledge/section-1367-inquiries');
    expect(
      (await tier1.agent.post('/staff/knowledge/section-1367-inquiries/edit', { ...ARTICLE, base_version: '1' }))
        .statusCode,
    ).toBe(403);
    await tier1.agent.get('/staff/knowledge/section-1367-inquiries');
    expect((await tier1.agent.post('/staff/knowledge/section-1367-inquiries/archive', {})).statusCode).toBe(403);
    await tier1.agent.get('/staff/knowledge');
    expect((await tier1.agent.post('/staff/knowledge/new', ARTICLE)).statusCode).toBe(403);
    expect(await countVersions()).toBe(before);
    expect((await tier1.agent.get('/staff/knowledge/no-such-article')).statusCode).toBe(404);
    expect((await tier1.agent.get('/staff/knowledge/caller-verification/versions/9')).statusCode).toBe(404);
    expect((await tier1.agent.get('/staff/knowledge/caller-verification/versions/0')).statusCode).toBe(404);
    expect((await tier1.agent.get('/staff/knowledge/caller-verification/versions/abc')).statusCode).toBe(404);
  });

  it('quality assurance writes an article; every edit is a new version, old ones kept and viewable', async () => {
    let res = await createArticle(ARTICLE);
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/staff/knowledge/replacing-a-lost-green-card?done=created');
    const created = (await audit('knowledge.article_created'))[0]!;
    expect(created).toMatchObject({ actor_id: qa.accountId, subject_type: 'knowledge_article' });

    await qa.agent.get('/staff/knowledge/replacing-a-lost-green-card/edit');
    expect(qa.agent.$('#title_en').val()).toBe(ARTICLE.title_en);
    expect(qa.agent.$('input[name=base_version]').val()).toBe('1');
    res = await qa.agent.post('/staff/knowledge/replacing-a-lost-green-card/edit', {
      ...ARTICLE,
      body_en:
        'File Form I-90 online to replace a lost, stolen or damaged permanent resident card.\n\nThe fee can be paid online.',
      change_note: 'Say which card; mention the fee.',
      base_version: '1',
    });
    expect(res.headers.location).toBe('/staff/knowledge/replacing-a-lost-green-card?done=saved');
    await qa.agent.get(res.headers.location as string);
    expect(qa.agent.$('.usa-alert--success').text()).toContain('Saved as version 2.');
    const history = qa.agent.$('table').last().find('tbody tr');
    expect(history).toHaveLength(2);
    expect(history.first().text()).toContain('Version 2');
    expect(history.first().text()).toContain('Quinn Review');
    expect(history.first().text()).toContain('Say which card; mention the fee.');
    expect(history.last().text()).toContain('Version 1');

    await qa.agent.get('/staff/knowledge/replacing-a-lost-green-card/versions/1');
    expect(qa.agent.$('h1').text()).toBe('Replacing a lost green card, version 1');
    expect(qa.agent.$('div[lang=en]').text()).toContain('You can check the category of your card');
    expect(qa.agent.$('.usa-alert--warning').text()).toContain('The current version is 2.');
    await qa.agent.get('/staff/knowledge/replacing-a-lost-green-card/versions/2');
    expect(qa.agent.$('.usa-alert--info').text()).toContain('This is the current version.');

    // The public sees the current version only; search finds the new text, not the old.
    const visitor = new TestAgent(t.app, '10.66.3.1');
    await visitor.get('/help/articles/replacing-a-lost-green-card?lang=en');
    expect(visitor.$('article').text()).toContain('The fee can be paid online.');
    expect(visitor.$('article').text()).not.toContain('category');
    await visitor.get('/help/articles?q=category+card');
    expect(resultSlugs(visitor)).not.toContain('replacing-a-lost-green-card');
    await visitor.get('/help/articles?q=permanent+resident+card');
    expect(resultSlugs(visitor)).toContain('replacing-a-lost-green-card');
    // Spanish stems and accents in the indexed text: 'categoria' finds 'categoría'.
    await visitor.get('/help/articles?lang=es&q=categoria+tarjetas');
    expect(resultSlugs(visitor)).toContain('replacing-a-lost-green-card');

    const revised = (await audit('knowledge.article_revised'))[0]!;
    expect(revised).toMatchObject({ actor_id: qa.accountId, subject_id: created.subject_id });
    expect(revised.details).toMatchObject({ version: 2 });
    // Versions are history: the database refuses to change one.
    await expect(
      db().updateTable('knowledge_article_versions').set({ title_en: 'rewritten' }).where('version', '=', 1).execute(),
    ).rejects.toThrow(/append-only/);
  });

  it('refuses a save based on an older version (no silent overwrite)', async () => {
    await qa.agent.get('/staff/knowledge/check-your-case-status/edit');
    const fields = {
      audience: 'public',
      title_en: 'How to check your case status',
      body_en: 'Sign in or use Case Status Online.',
      title_es: 'Cómo consultar el estado de su caso',
      body_es: 'Inicie sesión o use Estado de Casos en Línea.',
      tags: 'case-status',
      base_version: '1',
    };
    expect(
      (await qa.agent.post('/staff/knowledge/check-your-case-status/edit', { ...fields, change_note: 'Shorter.' }))
        .statusCode,
    ).toBe(303);
    await qa.agent.get('/staff/knowledge/check-your-case-status/edit');
    const res = await qa.agent.post('/staff/knowledge/check-your-case-status/edit', {
      ...fields,
      change_note: 'Another editor, from version 1.',
    });
    expect(res.statusCode).toBe(400);
    expect(qa.agent.errorSummary()[0]).toContain('Someone saved a newer version');
    expect(qa.agent.$('#change_note').val()).toBe('Another editor, from version 1.');
    expect(qa.agent.$('input[name=base_version]').val()).toBe('2');
    const article = await db()
      .selectFrom('knowledge_articles')
      .select('current_version')
      .where('slug', '=', 'check-your-case-status')
      .executeTakeFirstOrThrow();
    expect(article.current_version).toBe(2);
  });

  it('explains bad input field by field and saves nothing', async () => {
    const before = await countVersions();
    let res = await createArticle({
      slug: 'Bad Slug!',
      audience: 'everyone',
      title_en: ' ',
      body_en: '',
      title_es: '',
      body_es: '\n\n',
      tags: 'ok, not/ok',
      change_note: '',
    });
    expect(res.statusCode).toBe(400);
    expect(qa.agent.errorSummary()).toEqual([
      'Enter an address of lower-case letters, numbers and hyphens, up to 80 characters (not “new”)',
      'Choose who may read the article',
      'Enter the title in English',
      'Enter the text in English',
      'Enter the title in Spanish',
      'Enter the text in Spanish',
      'Enter up to 10 tags separated by commas, each of letters, numbers and hyphens (up to 40 characters)',
      'Say what changed in the change note',
    ]);
    expect(qa.agent.$('#error-summary a').first().attr('href')).toBe('#slug');
    expect(qa.agent.$('title').text()).toMatch(/^There is a problem/);
    expect(qa.agent.$('#slug').val()).toBe('Bad Slug!');

    res = await createArticle({
      ...ARTICLE,
      slug: 'too-long',
      title_en: 'x'.repeat(201),
      body_es: 'y'.repeat(20_001),
      change_note: 'n'.repeat(501),
    });
    expect(res.statusCode).toBe(400);
    expect(qa.agent.errorSummary()).toEqual([
      'The English title must be 200 characters or fewer',
      'The Spanish text must be 20,000 characters or fewer',
      'The change note must be 500 characters or fewer',
    ]);
    // Exactly at the limits is fine (200 characters of accented letters count as 200), even with both texts full of
    // characters that take 9 bytes each once form-encoded.
    res = await createArticle({
      ...ARTICLE,
      slug: 'at-the-limits',
      title_en: 'é'.repeat(200),
      body_en: '“'.repeat(20_000),
      body_es: '…'.repeat(20_000),
    });
    expect(res.statusCode).toBe(303);

    res = await createArticle({ ...ARTICLE, slug: 'check-your-case-status' });
    expect(qa.agent.errorSummary()).toEqual(['Another article already has this address. Choose another one']);
    res = await createArticle({ ...ARTICLE, slug: 'new' });
    expect(res.statusCode).toBe(400);

    // An edit with a missing language.
    await qa.agent.get('/staff/knowledge/what-is-a-request-for-evidence/edit');
    res = await qa.agent.post('/staff/knowledge/what-is-a-request-for-evidence/edit', {
      ...ARTICLE,
      title_es: '',
      body_es: '',
      base_version: '1',
    });
    expect(res.statusCode).toBe(400);
    expect(qa.agent.errorSummary()).toEqual(['Enter the title in Spanish', 'Enter the text in Spanish']);

    // In Spanish.
    await qa.agent.get('/staff/knowledge/new?lang=es');
    res = await qa.agent.post('/staff/knowledge/new', { ...ARTICLE, title_en: '' });
    expect(qa.agent.errorSummary()).toEqual(['Ingrese el título en inglés']);
    await qa.agent.get('/staff?lang=en');
    expect(await countVersions()).toBe(before + 1);
  });

  it('renders author text as paragraphs, never as HTML', async () => {
    const res = await createArticle({
      ...ARTICLE,
      slug: 'html-is-text',
      body_en: '<script>alert(1)</script> <b>bold</b>\nsecond line\n\n<img src=x onerror=alert(2)>',
    });
    expect(res.statusCode).toBe(303);
    const visitor = new TestAgent(t.app, '10.66.4.1');
    await visitor.get('/help/articles/html-is-text?lang=en');
    const article = visitor.$('article');
    expect(article.find('script, b, img')).toHaveLength(0);
    const paras = article.find('p').not('.usa-hint');
    expect(paras).toHaveLength(2);
    expect(paras.first().text()).toBe('<script>alert(1)</script> <b>bold</b>second line');
    expect(paras.first().find('br')).toHaveLength(1);
  });

  it('archiving takes an article off the help pages, search and suggestions; its history stays; it can be restored', async () => {
    await qa.agent.get('/staff/knowledge/request-a-new-online-access-code');
    let res = await qa.agent.post('/staff/knowledge/request-a-new-online-access-code/archive', {});
    expect(res.headers.location).toBe('/staff/knowledge/request-a-new-online-access-code?done=archived');
    const visitor = new TestAgent(t.app, '10.66.5.1');
    expect((await visitor.get('/help/articles/request-a-new-online-access-code')).statusCode).toBe(404);
    await visitor.get('/help/articles?lang=en&q=expired+access+code');
    expect(resultSlugs(visitor)).not.toContain('request-a-new-online-access-code');
    await visitor.get('/help/articles');
    expect(resultSlugs(visitor)).not.toContain('request-a-new-online-access-code');
    expect(
      (await suggestFor(db(), 'My online access code expired, how do I request a new one?', 'en', 10)).map(
        (a) => a.slug,
      ),
    ).not.toContain('request-a-new-online-access-code');
    // Staff still read it, marked as archived, and find it in the archived list.
    await tier1.agent.get('/staff/knowledge/request-a-new-online-access-code');
    expect(tier1.agent.$('.usa-alert--warning').text()).toContain('archived');
    await tier1.agent.get('/staff/knowledge');
    expect(tier1.agent.$('main').text()).toContain('Archived articles');
    expect((await audit('knowledge.article_archived'))[0]).toMatchObject({ actor_id: qa.accountId });

    await qa.agent.get('/staff/knowledge/request-a-new-online-access-code');
    res = await qa.agent.post('/staff/knowledge/request-a-new-online-access-code/restore', {});
    expect(res.statusCode).toBe(303);
    expect((await visitor.get('/help/articles/request-a-new-online-access-code')).statusCode).toBe(200);
    await qa.agent.get('/staff/knowledge');
    expect((await qa.agent.post('/staff/knowledge/no-such-article/archive', {})).statusCode).toBe(404);
  });

  it('moving an article to agents only takes it off the public pages', async () => {
    await qa.agent.get('/staff/knowledge/html-is-text/edit');
    const res = await qa.agent.post('/staff/knowledge/html-is-text/edit', {
      ...ARTICLE,
      audience: 'agents',
      change_note: 'Agents only.',
      base_version: '1',
    });
    expect(res.statusCode).toBe(303);
    const visitor = new TestAgent(t.app, '10.66.5.2');
    expect((await visitor.get('/help/articles/html-is-text')).statusCode).toBe(404);
    const versions = await db()
      .selectFrom('knowledge_article_versions as v')
      .innerJoin('knowledge_articles as a', 'a.id', 'v.article_id')
      .select(['v.version', 'v.audience'])
      .where('a.slug', '=', 'html-is-text')
      .orderBy('v.version')
      .execute();
    expect(versions).toEqual([
      { version: 1, audience: 'public' },
      { version: 2, audience: 'agents' },
    ]);
  });

  it('the staff pages exist in Spanish', async () => {
    await qa.agent.get('/staff/knowledge?lang=es');
    expect(qa.agent.$('h1').text()).toBe('Artículos de conocimiento');
    await qa.agent.get('/staff/knowledge/caller-verification');
    expect(qa.agent.$('h1').text()).toBe('Verificar a quien llama antes de dar información del caso');
    await qa.agent.get('/staff/knowledge/new');
    expect(qa.agent.$('h1').text()).toBe('Escribir un artículo nuevo');
    expect(qa.agent.$('#change_note').val()).toBe('Primera versión.');
    await qa.agent.get('/staff?lang=en');
  });
});

describe('suggestions for the agent console', () => {
  it('ranks public and agent-only articles against a service item, in its language', async () => {
    const rfe = await t.services.knowledge.suggestFor(
      'Question about RFE. I received a request for evidence letter and do not know how to send the documents.',
      'en',
    );
    expect(rfe[0]!.slug).toBe('what-is-a-request-for-evidence');
    expect(rfe.length).toBeLessThanOrEqual(3);
    const vawa = await t.services.knowledge.suggestFor(
      'Ayuda con una cita. Mi caso es una autopetición VAWA y necesito ayuda para programar una cita.',
      'es',
    );
    expect(vawa[0]!.slug).toBe('section-1367-inquiries');
    expect(vawa[0]!.title).toBe('Cómo atender consultas de la Sección 1367 (VAWA, T y U)');
    const expedite = await suggestFor(
      db(),
      'Expedite request: I will lose my job if my work permit is not approved soon',
      'en',
      1,
    );
    expect(expedite.map((a) => a.slug)).toEqual(['expedite-requests']);
    expect(await t.services.knowledge.suggestFor('', 'en')).toEqual([]);
    expect(await t.services.knowledge.suggestFor('!!! ??? -- or OR', 'en')).toEqual([]);
  });

  it('never fails, whatever the text', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ maxLength: 300 }),
        fc.constantFrom('en' as const, 'es' as const),
        async (text, lang) => {
          const found = await t.services.knowledge.suggestFor(text, lang);
          expect(found.length).toBeLessThanOrEqual(3);
          const searched = await t.services.knowledge.search(text, lang, 'public');
          if (searched.ok) expect(searched.results.every((r) => r.audience === 'public')).toBe(true);
        },
      ),
      { numRuns: 60 },
    );
  });
});
