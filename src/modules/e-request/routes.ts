import type { FastifyRequest } from 'fastify';
import { fields, text, texts, type App } from '../../platform/http/inputs.js';
import type { RouteLimit } from '../../platform/http/policies.js';
import { COOKIE_DEFAULTS } from '../../platform/http/security.js';
import { newSubmissionToken, submissionTokenFor, submissionTokenOf } from '../../platform/submissions.js';
import type { FieldError } from '../../platform/views/components.js';
import { emailSchema } from '../accounts/index.js';
import { dateTimeFormatter } from '../../platform/format.js';
import {
  isRequestForm,
  LIMITS,
  LIST_FIELDS,
  REQUEST_FORMS,
  TEXT_FIELDS,
  type FieldProblem,
  type RawForm,
} from './schema.js';
import { MAX_ANSWER, type ERequestService } from './service.js';
import { refusalPage, requestFormPage, sentPage, startPage, statusPage } from './views.js';

/** The confirmation page's item: its number, in a signed cookie of the browser that sent it, for an hour. */
const SENT_COOKIE = 'e_request_sent';

export interface ERequestRoutesDeps {
  eRequest: ERequestService;
  timeZone: string;
  /** Per-address limiter for the public forms: seconds to wait when over the limit. */
  limit: RouteLimit;
}

type TextField = (typeof TEXT_FIELDS)[number];
type ListField = (typeof LIST_FIELDS)[number];

/**
 * A request form's fields (ADR 15): only the fields the forms have, each a little longer than it may be (so "too
 * long" is told, not cut); the checkbox group's first 10 values of 40 characters; the one-time token, whose
 * format submissionTokenOf checks (cut at 100: a longer token is refused all the same).
 */
const requestFormFields = fields({
  ...(Object.fromEntries(
    TEXT_FIELDS.map((name) => [name, text(((LIMITS as Record<string, number>)[name] ?? 10) + 100)]),
  ) as Record<TextField, ReturnType<typeof text>>),
  ...(Object.fromEntries(LIST_FIELDS.map((name) => [name, texts(40)])) as Record<ListField, ReturnType<typeof texts>>),
  _submission: text(100),
});

/** What the pages' forms and links send (ADR 15). */
const inputs = {
  start: fields({ chosen: text(2), type: text(60) }),
  request: requestFormFields,
  status: fields({ number: text(40), email: text(LIMITS.email + 100) }),
  answer: fields({ number: text(40), email: text(LIMITS.email + 100), message: text(MAX_ANSWER + 100) }),
};

/** The form as the service reads it: the text fields sent (not empty), and the checkbox group. */
function rawForm(body: Record<TextField, string> & Record<ListField, string[]>): RawForm {
  const raw: RawForm = {};
  for (const name of TEXT_FIELDS) {
    const value = body[name];
    if (value) raw[name] = value;
  }
  for (const name of LIST_FIELDS) raw[name] = body[name].slice(0, 10);
  return raw;
}

const messages = (request: FastifyRequest, problems: FieldProblem[]): FieldError[] =>
  problems.map((p) => ({ field: p.field, message: request.t(p.key, p.values) }));
const pageWithZone = (request: FastifyRequest, timeZone: string) => ({ ...request.page(), timeZone });

/** E-Request: the public request forms and their confirmation, and the status of a request. */
export function registerERequestRoutes(app: App, deps: ERequestRoutesDeps): void {
  registerRequestFormRoutes(app, deps);
  registerStatusRoutes(app, deps);
}

/** Choosing a request, one form per request, and the confirmation page. */
function registerRequestFormRoutes(app: App, deps: ERequestRoutesDeps): void {
  const { eRequest } = deps;
  const limited = { policy: 'public', limit: deps.limit } as const;

  // Start: choose a request (a GET form: works without JavaScript, nothing to protect).
  app.get(
    '/e-request',
    { config: { policy: 'public' }, schema: { querystring: inputs.start } },
    async (request, reply) => {
      const chosen = request.query.chosen === '1';
      const { type } = request.query;
      if (isRequestForm(type)) return reply.redirect(`/e-request/${type}`, 303);
      if (chosen)
        return reply.html(
          startPage(request.page(), { errors: [{ field: 'type', message: request.t('e_request:start.choose') }] }),
          400,
        );
      return reply.html(startPage(request.page()));
    },
  );

  // One form per request.
  for (const form of REQUEST_FORMS) {
    app.get(`/e-request/${form}`, { config: { policy: 'public' } }, async (request, reply) =>
      reply.html(
        requestFormPage(request.page(), { form, csrf: reply.generateCsrf(), submission: newSubmissionToken() }),
      ),
    );

    app.post(`/e-request/${form}`, { config: limited, schema: { body: inputs.request } }, async (request, reply) => {
      const raw = rawForm(request.body);
      const result = await eRequest.submit(form, raw, {
        language: request.lang,
        ip: request.ip,
        submission: submissionTokenOf(request.body),
      });
      /** The form again with what was typed, the same submission token and the `errors`. */
      const formAgain = (errors: FieldError[], status: number) =>
        reply.html(
          requestFormPage(request.page(), {
            form,
            csrf: reply.generateCsrf(),
            submission: submissionTokenFor(request.body),
            values: raw,
            errors,
          }),
          status,
        );
      if (!result.ok) {
        if ('refusal' in result) return reply.html(refusalPage(request.page(), result.refusal));
        if ('wait' in result) {
          // This requester tried this receipt number too often with details that did not match: it waits (the same
          // answer whether the case exists or not); the form keeps its answers for the next try.
          const time = dateTimeFormatter(request.lang, deps.timeZone)(result.wait.retryAt);
          reply.header(
            'retry-after',
            String(Math.max(1, Math.ceil((result.wait.retryAt.getTime() - eRequest.now().getTime()) / 1000))),
          );
          return formAgain(
            [{ field: 'receipt_number', message: request.t('e_request:errors.case_wait', { time }) }],
            429,
          );
        }
        return formAgain(messages(request, result.problems), 400);
      }
      // A second post of the same form (same one-time token) lands on the first one's confirmation.
      reply.setCookie(SENT_COOKIE, 'repeated' in result ? result.repeated : String(result.item.number), {
        ...COOKIE_DEFAULTS,
        path: '/e-request',
        signed: true,
        maxAge: 3600,
      });
      return reply.redirect('/e-request/sent', 303);
    });
  }

  app.get('/e-request/sent', { config: { policy: 'public' } }, async (request, reply) => {
    const cookie = request.cookies[SENT_COOKIE];
    const number = cookie ? request.unsignCookie(cookie) : undefined;
    const item = number?.valid && number.value ? await eRequest.confirmation(number.value) : undefined;
    if (!item) return reply.redirect('/e-request/status', 303);
    return reply.html(sentPage(pageWithZone(request, deps.timeZone), { item }));
  });
}

/** Status by service item number plus email. */
function registerStatusRoutes(app: App, deps: ERequestRoutesDeps): void {
  const { eRequest } = deps;
  const limited = { policy: 'public', limit: deps.limit } as const;
  const page = (request: FastifyRequest) => pageWithZone(request, deps.timeZone);

  app.get('/e-request/status', { config: { policy: 'public' } }, async (request, reply) =>
    reply.html(statusPage(page(request), { csrf: reply.generateCsrf() })),
  );

  app.post('/e-request/status', { config: limited, schema: { body: inputs.status } }, async (request, reply) => {
    const values = request.body;
    const number = values.number.replace(/[\s#]/g, '');
    const errors: FieldError[] = [];
    if (!number) errors.push({ field: 'number', message: request.t('e_request:status.errors.number_required') });
    else if (!/^\d{1,12}$/.test(number))
      errors.push({ field: 'number', message: request.t('e_request:status.errors.number_invalid') });
    if (!values.email.trim())
      errors.push({ field: 'email', message: request.t('e_request:status.errors.email_required') });
    else if (!emailSchema.safeParse(values.email).success)
      errors.push({ field: 'email', message: request.t('e_request:status.errors.email_invalid') });
    if (errors.length)
      return reply.html(statusPage(page(request), { csrf: reply.generateCsrf(), values, errors }), 400);
    const result = await eRequest.status(number, values.email);
    // The same answer for a wrong number and a wrong email: nothing tells which one was wrong.
    if (!result)
      return reply.html(
        statusPage(page(request), {
          csrf: reply.generateCsrf(),
          values,
          errors: [{ field: 'number', message: request.t('e_request:status.errors.not_found') }],
        }),
        404,
      );
    return reply.html(statusPage(page(request), { csrf: reply.generateCsrf(), values, result }));
  });

  // The customer's answer to a question about their request (issue 15 point 10): it resumes a paused clock.
  app.post('/e-request/status/answer', { config: limited, schema: { body: inputs.answer } }, async (request, reply) => {
    const { number: typed, email, message } = request.body;
    const number = typed.replace(/[\s#]/g, '');
    const values = { number, email };
    const answered = /^\d{1,12}$/.test(number) ? await eRequest.answer(number, email, message) : undefined;
    if (!answered)
      return reply.html(
        statusPage(page(request), {
          csrf: reply.generateCsrf(),
          values,
          errors: [{ field: 'number', message: request.t('e_request:status.errors.not_found') }],
        }),
        404,
      );
    if (!answered.ok) {
      const key =
        answered.problem === 'closed' ? 'closed' : answered.problem === 'empty' ? 'answer_empty' : 'answer_long';
      return reply.html(
        statusPage(page(request), {
          csrf: reply.generateCsrf(),
          values: { ...values, message },
          result: answered.view,
          errors: [{ field: 'message', message: request.t(`e_request:status.errors.${key}`) }],
        }),
        answered.problem === 'closed' ? 409 : 400,
      );
    }
    return reply.html(
      statusPage(page(request), { csrf: reply.generateCsrf(), values, result: answered.view, answered: true }),
    );
  });
}
