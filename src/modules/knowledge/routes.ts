import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { FieldError } from '../../platform/views/components.js';
import { dateTimeFormatter } from '../../platform/format.js';
import { actorOf } from '../../platform/audit.js';
import { signedInOf, staffContext } from '../../platform/http/page-context.js';
import type { KnowledgeService } from './service.js';
import type { ArticleFormValues, FieldProblem } from './text.js';
import { articleFormPage, EDITOR_ROLES, publicArticlePage, publicListPage, READER_ROLES, staffArticlePage, staffListPage, staffVersionPage } from './views.js';

type Form = Record<string, unknown>;
const str = (body: unknown, name: string, max = 30_000): string => {
  const value = (body as Form | undefined)?.[name];
  return typeof value === 'string' ? value.slice(0, max) : '';
};
const slugOf = (request: FastifyRequest) => (request.params as { slug: string }).slug;
const VERSION = /^[1-9]\d{0,5}$/;
/**
 * The article forms carry two texts of up to 20,000 characters; form-encoded, a character can take 9 bytes
 * ('…' is %E2%80%A6), well over the 64 KB other forms are allowed.
 */
const ARTICLE_FORM_BODY_LIMIT = 512 * 1024;
const FORM_FIELDS = ['slug', 'audience', 'title_en', 'body_en', 'title_es', 'body_es', 'tags', 'change_note'] as const;

/** The article form's fields as posted (cut well above the limits, which the service checks and explains). */
function formValues(body: unknown): ArticleFormValues {
  return Object.fromEntries(FORM_FIELDS.map((f) => [f, str(body, f, f.startsWith('body') ? 30_000 : 2_000)]));
}

export interface KnowledgeRoutesDeps {
  knowledge: KnowledgeService;
  timeZone: string;
}

/**
 * Knowledge articles. Public: /help/articles (search and list of public articles, in the page's language) and
 * /help/articles/:slug. Staff: every Contact Center tier, the help desk, quality assurance and administrators read
 * every article; quality assurance and administrators write them (each save a new, audited version).
 */
export function registerKnowledgeRoutes(app: FastifyInstance, deps: KnowledgeRoutesDeps): void {
  const { knowledge, timeZone } = deps;
  const readers = { policy: 'staff', roles: READER_ROLES } as const;
  const editors = { policy: 'staff', roles: EDITOR_ROLES } as const;
  const when = (request: FastifyRequest) => dateTimeFormatter(request.lang, timeZone);
  const problemsToErrors = (request: FastifyRequest, problems: FieldProblem[]): FieldError[] => problems.map((p) => ({ field: p.field, message: request.t(`knowledge:errors.${p.code}`) }));

  // ---- Public ---------------------------------------------------------------------------------------------------
  app.get('/help/articles', { config: { policy: 'public' } }, async (request, reply) => {
    const query = str(request.query, 'q', 2_000).trim();
    if (!query) return reply.html(publicListPage(request.page(), { query, searched: false, results: await knowledge.list(request.lang, 'public') }));
    const found = await knowledge.search(query, request.lang, 'public');
    if (!found.ok) {
      return reply.html(publicListPage(request.page(), { query, searched: false, results: [], errors: [{ field: 'q', message: request.t(`knowledge:errors.${found.problem}`) }] }), 400);
    }
    return reply.html(publicListPage(request.page(), { query, searched: true, results: found.results }));
  });

  app.get('/help/articles/:slug', { config: { policy: 'public' } }, async (request, reply) => {
    const article = await knowledge.get(slugOf(request), request.lang, 'public');
    if (!article) return reply.callNotFound();
    return reply.html(publicArticlePage(request.page(), { article, timeZone }));
  });

  // ---- Staff: reading -------------------------------------------------------------------------------------------
  app.get('/staff/knowledge', { config: readers }, async (request, reply) => {
    const query = str(request.query, 'q', 2_000).trim();
    const archived = await knowledge.list(request.lang, 'agents', { archived: true });
    const view = { signedIn: signedInOf(reply), query, archived, when: when(request) };
    if (!query) return reply.html(staffListPage(staffContext(request), { ...view, searched: false, results: await knowledge.list(request.lang, 'agents') }));
    const found = await knowledge.search(query, request.lang, 'agents');
    if (!found.ok) {
      return reply.html(staffListPage(staffContext(request), { ...view, searched: false, results: [], errors: [{ field: 'q', message: request.t(`knowledge:errors.${found.problem}`) }] }), 400);
    }
    return reply.html(staffListPage(staffContext(request), { ...view, searched: true, results: found.results }));
  });

  // The router prefers this static path to '/staff/knowledge/:slug' ('new' is reserved: no article has that slug).
  app.get('/staff/knowledge/new', { config: editors }, async (request, reply) => {
    return reply.html(articleFormPage(staffContext(request), { signedIn: signedInOf(reply), values: { audience: 'public', change_note: request.t('knowledge:form.first_version_note') } }));
  });

  app.post('/staff/knowledge/new', { config: editors, bodyLimit: ARTICLE_FORM_BODY_LIMIT }, async (request, reply) => {
    const values = formValues(request.body);
    const result = await knowledge.create(actorOf(request), values);
    if (!result.ok) return reply.html(articleFormPage(staffContext(request), { signedIn: signedInOf(reply), values, errors: problemsToErrors(request, result.problems) }), 400);
    return reply.redirect(`/staff/knowledge/${result.slug}?done=created`, 303);
  });

  app.get('/staff/knowledge/:slug', { config: readers }, async (request, reply) => {
    const article = await knowledge.staffView(slugOf(request));
    if (!article) return reply.callNotFound();
    const history = (await knowledge.history(article.slug)) ?? [];
    const done = str(request.query, 'done', 40);
    const notice = ['created', 'saved', 'archived', 'restored'].includes(done) ? request.t(`knowledge:staff.done_${done}`, { version: article.current_version }) : undefined;
    return reply.html(staffArticlePage(staffContext(request), { signedIn: signedInOf(reply), article, history, when: when(request), notice }));
  });

  app.get('/staff/knowledge/:slug/versions/:n', { config: readers }, async (request, reply) => {
    const n = (request.params as { n: string }).n;
    const article = VERSION.test(n) ? await knowledge.staffView(slugOf(request), Number(n)) : undefined;
    if (!article) return reply.callNotFound();
    return reply.html(staffVersionPage(staffContext(request), { signedIn: signedInOf(reply), article, when: when(request) }));
  });

  // ---- Staff: writing -------------------------------------------------------------------------------------------
  const editPage = async (request: FastifyRequest, reply: FastifyReply, values?: ArticleFormValues, errors: FieldError[] = [], baseVersion?: number) => {
    const current = await knowledge.staffView(slugOf(request));
    if (!current) return reply.callNotFound();
    const title = request.lang === 'es' ? current.title_es : current.title_en;
    const fromCurrent: ArticleFormValues = { audience: current.audience, title_en: current.title_en, body_en: current.body_en, title_es: current.title_es, body_es: current.body_es, tags: current.tags.join(', '), change_note: '' };
    return reply.html(
      articleFormPage(staffContext(request), { signedIn: signedInOf(reply), article: { slug: current.slug, title, baseVersion: baseVersion ?? current.current_version }, values: values ?? fromCurrent, errors }),
      errors.length ? 400 : 200,
    );
  };

  app.get('/staff/knowledge/:slug/edit', { config: editors }, async (request, reply) => editPage(request, reply));

  app.post('/staff/knowledge/:slug/edit', { config: editors, bodyLimit: ARTICLE_FORM_BODY_LIMIT }, async (request, reply) => {
    const values = formValues(request.body);
    const base = str(request.body, 'base_version', 20);
    const baseVersion = VERSION.test(base) ? Number(base) : 0;
    const result = await knowledge.revise(actorOf(request), slugOf(request), values, baseVersion);
    if (result.ok) return reply.redirect(`/staff/knowledge/${result.slug}?done=saved`, 303);
    if ('problem' in result) return reply.callNotFound();
    // A stale save keeps the editor's text, now based on the newer version: they compare with it and save again.
    const stale = result.problems.some((p) => p.code === 'stale');
    return editPage(request, reply, values, problemsToErrors(request, result.problems), stale ? undefined : baseVersion || undefined);
  });

  for (const [action, archived] of [['archive', true], ['restore', false]] as const) {
    app.post(`/staff/knowledge/:slug/${action}`, { config: editors }, async (request, reply) => {
      const result = await knowledge.setArchived(actorOf(request), slugOf(request), archived);
      if (!result.ok) return reply.callNotFound();
      return reply.redirect(`/staff/knowledge/${slugOf(request)}?done=${archived ? 'archived' : 'restored'}`, 303);
    });
  }
}
