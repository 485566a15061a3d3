import { z } from 'zod';
import { fields, type App } from '../../platform/http/inputs.js';
import type { FieldError } from '../../platform/views/components.js';
import type { SurveyInput, SurveyService } from './service.js';
import { exitSurveyPage, thanksPage } from './views.js';

/** A survey answer: the text sent, cut to 5,000 characters; undefined when not sent as one text. */
const answer = () =>
  z
    .unknown()
    .optional()
    .transform((value): string | undefined => (typeof value === 'string' ? value.slice(0, 5000) : undefined));

/** What both survey forms send (ADR 15). */
const surveyForm = fields({ rating: answer(), comment: answer(), about_form: answer(), about_page: answer() });

function readInput(body: z.output<typeof surveyForm>): SurveyInput {
  return { rating: body.rating, comment: body.comment, aboutForm: body.about_form, aboutPage: body.about_page };
}

/** The exit survey (after sign-out, public) and the in-session survey after account creation. */
export function registerSurveyRoutes(app: App, deps: { surveys: SurveyService }): void {
  app.get('/survey/exit', { config: { policy: 'public' } }, async (request, reply) =>
    reply.html(exitSurveyPage(request.page(), { csrf: reply.generateCsrf() })),
  );

  app.post('/survey/exit', { config: { policy: 'public' }, schema: { body: surveyForm } }, async (request, reply) => {
    const input = readInput(request.body);
    const result = await deps.surveys.submit('exit', input, request.lang);
    if (!result.ok) {
      const errors: FieldError[] = result.problems.map((p) => ({
        field: p.field,
        message: request.t(`surveys:errors.${p.code}`),
      }));
      return reply.html(exitSurveyPage(request.page(), { csrf: reply.generateCsrf(), values: input, errors }), 400);
    }
    return reply.redirect('/survey/thanks', 303);
  });

  app.post(
    '/survey/account-created',
    { config: { policy: 'account' }, schema: { body: surveyForm } },
    async (request, reply) => {
      const result = await deps.surveys.submit('account_created', readInput(request.body), request.lang);
      return reply.redirect(result.ok ? '/survey/thanks' : '/account?welcome=1&survey=incomplete', 303);
    },
  );

  app.get('/survey/thanks', { config: { policy: 'public' } }, async (request, reply) =>
    reply.html(thanksPage(request.page())),
  );
}
