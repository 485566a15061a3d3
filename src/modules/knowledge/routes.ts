import type { FastifyReply, FastifyRequest } from 'fastify';
import { fields, params, text, type App } from '../../platform/http/inputs.js';
import type { FieldError } from '../../platform/views/components.js';
import { dateTimeFormatter } from '../../platform/format.js';
import { actorOf } from '../../platform/audit.js';
import { signedInOf, staffContext } from '../../platform/http/page-context.js';
import type { KnowledgeService } from './service.js';
import type { ArticleFormValues, FieldProblem } from './text.js';
import {
  articleFormPage,
  EDITOR_ROLES,
  publicArticlePage,
  publicListPage,
  READER_ROLES,
  staffArticlePage,
  staffListPage,
  staffVersionPage,
} from './views.js';

const VERSION = /^[1-9]\d{0,5}$/;
/**
 * The article forms carry two texts of up to 20,000 characters; form-encoded, a character can take 9 bytes
 * ('…' is %E2%80%A6), well over the 64 KB other forms are allowed.
 */
const ARTICLE_FORM_BODY_LIMIT = 512 * 1024;
/** The article form's fields as posted (cut well above the limits, which the service checks and explains). */
const articleFields = {
  slug: text(2_000),
  audience: text(2_000),
  title_en: text(2_000),
  body_en: text(30_000),
  title_es: text(2_000),
  body_es: text(30_000),
  tags: text(2_000),
  change_note: text(2_000),
};

/** What each form and address of these pages sends (ADR 15: declared inputs). */
const inputs = {
  search: fields({ q: text(2_000) }),
  article: params({ slug: text(200) }),
  articleQuery: fields({ done: text(40) }),
  version: params({ slug: text(200), n: text(200) }),
  create: fields(articleFields),
  revise: fields({ ...articleFields, base_version: text(20) }),
};

export interface KnowledgeRoutesDeps {
  knowledge: KnowledgeService;
  timeZone: string;
}

const readers = { policy: 'staff', roles: READER_ROLES } as const;
const editors = { policy: 'staff', roles: EDITOR_ROLES } as const;
const whenOf = (request: FastifyRequest, timeZone: string) => dateTimeFormatter(request.lang, timeZone);
const problemsToErrors = (request: FastifyRequest, problems: FieldProblem[]): FieldError[] =>
  problems.map((p) => ({ field: p.field, message: request.t(`knowledge:errors.${p.code}`) }));

/**
 * Knowledge articles. Public: /help/articles (search and list of public articles, in the page's language) and
 * /help/articles/:slug. Staff: every Contact Center tier, the help desk, quality assurance and administrators read
 * every article; quality assurance and administrators write them (each save a new, audited version).
 */
export function registerKnowledgeRoutes(app: App, deps: KnowledgeRoutesDeps): void {
  registerPublicArticleRoutes(app, deps);
  registerStaffReadingRoutes(app, deps);
  registerStaffWritingRoutes(app, deps);
}

/** Public: the search and list of public articles, in the page's language, and one article. */
function registerPublicArticleRoutes(app: App, deps: KnowledgeRoutesDeps): void {
  const { knowledge, timeZone } = deps;

  app.get(
    '/help/articles',
    { config: { policy: 'public' }, schema: { querystring: inputs.search } },
    async (request, reply) => {
      const query = request.query.q.trim();
      if (!query)
        return reply.html(
          publicListPage(request.page(), {
            query,
            searched: false,
            results: await knowledge.list(request.lang, 'public'),
          }),
        );
      const found = await knowledge.search(query, request.lang, 'public');
      if (!found.ok) {
        return reply.html(
          publicListPage(request.page(), {
            query,
            searched: false,
            results: [],
            errors: [{ field: 'q', message: request.t(`knowledge:errors.${found.problem}`) }],
          }),
          400,
        );
      }
      return reply.html(publicListPage(request.page(), { query, searched: true, results: found.results }));
    },
  );

  app.get(
    '/help/articles/:slug',
    { config: { policy: 'public' }, schema: { params: inputs.article } },
    async (request, reply) => {
      const article = await knowledge.get(request.params.slug, request.lang, 'public');
      if (!article) return reply.callNotFound();
      return reply.html(publicArticlePage(request.page(), { article, timeZone }));
    },
  );
}

/** Staff: reading every article (the list and search, an article with its history, an old version). */
function registerStaffReadingRoutes(app: App, deps: KnowledgeRoutesDeps): void {
  const { knowledge } = deps;
  const when = (request: FastifyRequest) => whenOf(request, deps.timeZone);

  app.get('/staff/knowledge', { config: readers, schema: { querystring: inputs.search } }, async (request, reply) => {
    const query = request.query.q.trim();
    const archived = await knowledge.list(request.lang, 'agents', { archived: true });
    const view = { signedIn: signedInOf(reply), query, archived, when: when(request) };
    if (!query)
      return reply.html(
        staffListPage(staffContext(request), {
          ...view,
          searched: false,
          results: await knowledge.list(request.lang, 'agents'),
        }),
      );
    const found = await knowledge.search(query, request.lang, 'agents');
    if (!found.ok) {
      return reply.html(
        staffListPage(staffContext(request), {
          ...view,
          searched: false,
          results: [],
          errors: [{ field: 'q', message: request.t(`knowledge:errors.${found.problem}`) }],
        }),
        400,
      );
    }
    return reply.html(staffListPage(staffContext(request), { ...view, searched: true, results: found.results }));
  });

  app.get(
    '/staff/knowledge/:slug',
    { config: readers, schema: { params: inputs.article, querystring: inputs.articleQuery } },
    async (request, reply) => {
      const article = await knowledge.staffView(request.params.slug);
      if (!article) return reply.callNotFound();
      const history = (await knowledge.history(article.slug)) ?? [];
      const { done } = request.query;
      const notice = ['created', 'saved', 'archived', 'restored'].includes(done)
        ? request.t(`knowledge:staff.done_${done}`, { version: article.current_version })
        : undefined;
      return reply.html(
        staffArticlePage(staffContext(request), {
          signedIn: signedInOf(reply),
          article,
          history,
          when: when(request),
          notice,
        }),
      );
    },
  );

  app.get(
    '/staff/knowledge/:slug/versions/:n',
    { config: readers, schema: { params: inputs.version } },
    async (request, reply) => {
      const { slug, n } = request.params;
      const article = VERSION.test(n) ? await knowledge.staffView(slug, Number(n)) : undefined;
      if (!article) return reply.callNotFound();
      return reply.html(
        staffVersionPage(staffContext(request), { signedIn: signedInOf(reply), article, when: when(request) }),
      );
    },
  );
}

/** Staff: writing articles (new, edit, archive and restore), each save a new, audited version. */
function registerStaffWritingRoutes(app: App, deps: KnowledgeRoutesDeps): void {
  const { knowledge } = deps;

  // The router prefers this static path to '/staff/knowledge/:slug' ('new' is reserved: no article has that slug).
  app.get('/staff/knowledge/new', { config: editors }, async (request, reply) => {
    return reply.html(
      articleFormPage(staffContext(request), {
        signedIn: signedInOf(reply),
        values: { audience: 'public', change_note: request.t('knowledge:form.first_version_note') },
      }),
    );
  });

  app.post(
    '/staff/knowledge/new',
    { config: editors, bodyLimit: ARTICLE_FORM_BODY_LIMIT, schema: { body: inputs.create } },
    async (request, reply) => {
      const values: ArticleFormValues = request.body;
      const result = await knowledge.create(actorOf(request), values);
      if (!result.ok)
        return reply.html(
          articleFormPage(staffContext(request), {
            signedIn: signedInOf(reply),
            values,
            errors: problemsToErrors(request, result.problems),
          }),
          400,
        );
      return reply.redirect(`/staff/knowledge/${result.slug}?done=created`, 303);
    },
  );

  const editPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    slug: string,
    values?: ArticleFormValues,
    errors: FieldError[] = [],
    baseVersion?: number,
  ) => {
    const current = await knowledge.staffView(slug);
    if (!current) return reply.callNotFound();
    const title = request.lang === 'es' ? current.title_es : current.title_en;
    const fromCurrent: ArticleFormValues = {
      audience: current.audience,
      title_en: current.title_en,
      body_en: current.body_en,
      title_es: current.title_es,
      body_es: current.body_es,
      tags: current.tags.join(', '),
      change_note: '',
    };
    return reply.html(
      articleFormPage(staffContext(request), {
        signedIn: signedInOf(reply),
        article: { slug: current.slug, title, baseVersion: baseVersion ?? current.current_version },
        values: values ?? fromCurrent,
        errors,
      }),
      errors.length ? 400 : 200,
    );
  };

  app.get(
    '/staff/knowledge/:slug/edit',
    { config: editors, schema: { params: inputs.article } },
    async (request, reply) => editPage(request, reply, request.params.slug),
  );

  app.post(
    '/staff/knowledge/:slug/edit',
    { config: editors, bodyLimit: ARTICLE_FORM_BODY_LIMIT, schema: { params: inputs.article, body: inputs.revise } },
    async (request, reply) => {
      const { slug } = request.params;
      const { base_version: base, ...values } = request.body;
      const baseVersion = VERSION.test(base) ? Number(base) : 0;
      const result = await knowledge.revise(actorOf(request), slug, values, baseVersion);
      if (result.ok) return reply.redirect(`/staff/knowledge/${result.slug}?done=saved`, 303);
      if ('problem' in result) return reply.callNotFound();
      // A stale save keeps the editor's text, now based on the newer version: they compare with it and save again.
      const stale = result.problems.some((p) => p.code === 'stale');
      return editPage(
        request,
        reply,
        slug,
        values,
        problemsToErrors(request, result.problems),
        stale ? undefined : baseVersion || undefined,
      );
    },
  );

  for (const [action, archived] of [
    ['archive', true],
    ['restore', false],
  ] as const) {
    app.post(
      `/staff/knowledge/:slug/${action}`,
      { config: editors, schema: { params: inputs.article } },
      async (request, reply) => {
        const { slug } = request.params;
        const result = await knowledge.setArchived(actorOf(request), slug, archived);
        if (!result.ok) return reply.callNotFound();
        return reply.redirect(`/staff/knowledge/${slug}?done=${archived ? 'archived' : 'restored'}`, 303);
      },
    );
  }
}
