import type { FastifyInstance } from 'fastify';
import type { FieldError } from '../../platform/views/components.js';
import type { SurveyInput, SurveyService } from './service.js';
import { exitSurveyPage, thanksPage } from './views.js';

function readInput(body: unknown): SurveyInput {
  const b = (body ?? {}) as Record<string, unknown>;
  const s = (k: string) => (typeof b[k] === 'string' ? (b[k] as string).slice(0, 5000) : undefined);
  return { rating: s('rating'), comment: s('comment'), aboutForm: s('about_form'), aboutPage: s('about_page') };
}

/** The exit survey (after sign-out, public) and the in-session survey after account creation. */
export function registerSurveyRoutes(app: FastifyInstance, deps: { surveys: SurveyService }): void {
  app.get('/survey/exit', { config: { policy: 'public' } }, async (request, reply) =>
    reply.html(exitSurveyPage(request.page(), { csrf: reply.generateCsrf() })),
  );

  app.post('/survey/exit', { config: { policy: 'public' } }, async (request, reply) => {
    const input = readInput(request.body);
    const result = await deps.surveys.submit('exit', input, request.lang);
    if (!result.ok) {
      const errors: FieldError[] = result.problems.map((p) => ({ field: p.field, message: request.t(`surveys:errors.${p.code}`) }));
      return reply.html(exitSurveyPage(request.page(), { csrf: reply.generateCsrf(), values: input, errors }), 400);
    }
    return reply.redirect('/survey/thanks', 303);
  });

  app.post('/survey/account-created', { config: { policy: 'account' } }, async (request, reply) => {
    const result = await deps.surveys.submit('account_created', readInput(request.body), request.lang);
    return reply.redirect(result.ok ? '/survey/thanks' : '/account?welcome=1&survey=incomplete', 303);
  });

  app.get('/survey/thanks', { config: { policy: 'public' } }, async (request, reply) => reply.html(thanksPage(request.page())));
}
