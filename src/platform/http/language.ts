import type { FastifyInstance, FastifyReply } from 'fastify';
import { isLanguage, type I18n, type Language, type Translate } from '../i18n/index.js';
import type { SafeHtml } from '../views/html.js';
import { inputField } from './inputs.js';
import type { PageContext } from '../views/layout.js';

declare module 'fastify' {
  interface FastifyRequest {
    lang: Language;
    t: Translate;
    /** Set by the account guard for a staff member on account pages (their menu differs). */
    staffViewer?: boolean;
    page(): PageContext;
  }
  interface FastifyReply {
    html(page: SafeHtml, status?: number): FastifyReply;
  }
}

export const LANGUAGE_COOKIE = 'lang';

function fromAcceptLanguage(header: string | undefined): Language | undefined {
  if (!header) return undefined;
  const ranked = header
    .split(',')
    .map((part) => {
      const [tag, ...params] = part.trim().split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      return { lang: (tag ?? '').slice(0, 2).toLowerCase(), q: q ? Number(q.slice(2)) || 0 : 1 };
    })
    .filter((x) => x.q > 0)
    .sort((a, b) => b.q - a.q);
  return ranked.map((x) => x.lang).find(isLanguage);
}

/**
 * Language of every request: `?lang=es|en` (remembered in a cookie), else the cookie, else Accept-Language,
 * else English. Pages read `request.lang` and `request.t`.
 */
export function installLanguage(app: FastifyInstance, i18n: I18n, cookie: { secure: boolean }): void {
  app.decorateRequest('lang', 'en');
  app.decorateRequest('t', null as unknown as Translate);
  app.decorateRequest('staffViewer', false);
  app.decorateRequest(
    'page',
    function (this: { lang: Language; t: Translate; url: string; staffViewer?: boolean }): PageContext {
      return { lang: this.lang, t: this.t, url: this.url, ...(this.staffViewer ? { staffViewer: true } : {}) };
    },
  );
  app.decorateReply('html', function (this: FastifyReply, page: SafeHtml, status = 200) {
    return this.code(status).type('text/html; charset=utf-8').send(page.value);
  });
  app.addHook('onRequest', (request, reply, done) => {
    const asked = inputField(request.query, 'lang');
    let lang: Language | undefined;
    if (isLanguage(asked)) {
      lang = asked;
      if (request.cookies[LANGUAGE_COOKIE] !== asked) {
        reply.setCookie(LANGUAGE_COOKIE, asked, {
          path: '/',
          httpOnly: true,
          sameSite: 'lax',
          secure: cookie.secure,
          maxAge: 365 * 86_400,
        });
      }
    }
    lang ??= isLanguage(request.cookies[LANGUAGE_COOKIE]) ? request.cookies[LANGUAGE_COOKIE] : undefined;
    lang ??= fromAcceptLanguage(request.headers['accept-language']);
    request.lang = lang ?? 'en';
    request.t = i18n.t(request.lang);
    done();
  });
}
