import { z } from 'zod';
import { fields, text, type App } from '../../platform/http/inputs.js';
import type { RouteLimit } from '../../platform/http/policies.js';
import type { FieldError } from '../../platform/views/components.js';
import type { SurveyInput, SurveyService } from './service.js';
import { exitSurveyPage, itemSurveyPage, surveyLinkUnusablePage, thanksPage } from './views.js';

/** A survey answer: the text sent, cut to 5,000 characters; undefined when not sent as one text. */
const answer = () =>
  z
    .unknown()
    .optional()
    .transform((value): string | undefined => (typeof value === 'string' ? value.slice(0, 5000) : undefined));

/** What both survey forms send (ADR 15). */
const surveyForm = fields({ rating: answer(), comment: answer(), about_form: answer(), about_page: answer() });
/** The link of a resolved service item's survey, and its one question (issue 15 point 10). */
const itemSurveyLink = fields({ token: text(200) });
const itemSurveyForm = fields({ token: text(200), rating: text(10) });

function readInput(body: z.output<typeof surveyForm>): SurveyInput {
  return { rating: body.rating, comment: body.comment, aboutForm: body.about_form, aboutPage: body.about_page };
}

/** The exit survey (after sign-out, public) and the in-session survey after account creation. */
/** `limit`: the per-address limit of public forms (the survey posts take no sign-in). */
export function registerSurveyRoutes(app: App, deps: { surveys: SurveyService; limit?: RouteLimit }): void {
  const limited = { policy: 'public', limit: deps.limit } as const;
  app.get('/survey/exit', { config: { policy: 'public' } }, async (request, reply) =>
    reply.html(exitSurveyPage(request.page(), { csrf: reply.generateCsrf() })),
  );

  app.post('/survey/exit', { config: limited, schema: { body: surveyForm } }, async (request, reply) => {
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

  // The one-question survey of a resolved service item, from the link in the email that says it is closed.
  app.get(
    '/survey/service-item',
    { config: { policy: 'public' }, schema: { querystring: itemSurveyLink } },
    async (request, reply) => {
      const survey = await deps.surveys.itemSurvey(request.query.token);
      if (!survey) return reply.html(surveyLinkUnusablePage(request.page()), 404);
      return reply.html(
        itemSurveyPage(request.page(), {
          csrf: reply.generateCsrf(),
          token: request.query.token,
          number: survey.itemNumber,
        }),
      );
    },
  );

  app.post('/survey/service-item', { config: limited, schema: { body: itemSurveyForm } }, async (request, reply) => {
    const { token, rating } = request.body;
    const result = await deps.surveys.answerItemSurvey(token, rating, request.lang);
    if (result.ok) return reply.redirect('/survey/thanks', 303);
    const survey = result.problem === 'rating' ? await deps.surveys.itemSurvey(token) : undefined;
    if (!survey) return reply.html(surveyLinkUnusablePage(request.page()), 404);
    return reply.html(
      itemSurveyPage(request.page(), {
        csrf: reply.generateCsrf(),
        token,
        number: survey.itemNumber,
        errors: [{ field: 'rating', message: request.t('surveys:service_item.rating_required') }],
      }),
      400,
    );
  });

  app.get('/survey/thanks', { config: { policy: 'public' } }, async (request, reply) =>
    reply.html(thanksPage(request.page())),
  );
}
