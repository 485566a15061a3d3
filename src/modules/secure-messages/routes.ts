import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { fields, params, text, type App } from '../../platform/http/inputs.js';
import { signedInOf } from '../../platform/http/page-context.js';
import { parseReceiptNumber } from '../cases/index.js';
import { SUBMISSION_FIELD, submissionTokenFor, submissionTokenOf } from '../../platform/submissions.js';
import { dateTimeFormatter } from '../../platform/format.js';
import type { SecureMessageService } from './service.js';
import { caseMessagesPage, inboxPage, threadPage } from './views.js';

/** What each form and address of these pages sends (ADR 15: declared inputs). */
const inputs = {
  case: params({ receipt: text(200) }),
  // The one-time token is read as sent (submissions.ts checks its shape).
  start: fields({ subject: text(500), message: text(20_000), [SUBMISSION_FIELD]: z.unknown().optional() }),
  thread: params({ number: text(200) }),
  threadQuery: fields({ sent: text(1) }),
  reply: fields({ message: text(20_000) }),
};

/** Secure messages in the account: the inbox, a case's threads with a new-message form, and a thread. */
export interface SecureMessageRouteDeps {
  messages: SecureMessageService;
  timeZone: string;
}

const account = { config: { policy: 'account' as const } };
const me = (request: FastifyRequest) => request.session!.account_id;
const ctxOf = (request: FastifyRequest, timeZone: string) => ({
  ...request.page(),
  when: dateTimeFormatter(request.lang, timeZone),
});
const receiptOf = (param: string) => {
  const parsed = parseReceiptNumber(param);
  return parsed.ok ? parsed.value : undefined;
};

/** Secure messages about a case (CASE-3): the inbox, a case's threads with a new message, one thread and replies. */
export function registerSecureMessageRoutes(app: App, deps: SecureMessageRouteDeps): void {
  registerCaseThreadRoutes(app, deps);
  registerThreadRoutes(app, deps);
}

/** The inbox, and the threads of one case with the form that starts one. */
function registerCaseThreadRoutes(app: App, deps: SecureMessageRouteDeps): void {
  const ctx = (request: FastifyRequest) => ctxOf(request, deps.timeZone);

  app.get('/account/messages', account, async (request, reply) =>
    reply.html(inboxPage(ctx(request), { ...signedInOf(reply), threads: await deps.messages.threads(me(request)) })),
  );

  /** `body`: the form posted, if any (its one-time token is rendered again). */
  const casePage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    param: string,
    body: unknown,
    extra: { values?: Record<string, string>; errors?: { field: string; message: string }[] } = {},
  ) => {
    const receipt = receiptOf(param);
    if (!receipt || !(await deps.messages.mayWrite(me(request), receipt))) return reply.callNotFound();
    return reply.html(
      caseMessagesPage(ctx(request), {
        ...signedInOf(reply),
        receipt,
        threads: await deps.messages.threads(me(request), receipt),
        submission: submissionTokenFor(body),
        ...extra,
      }),
      extra.errors?.length ? 400 : 200,
    );
  };

  app.get('/account/cases/:receipt/messages', { ...account, schema: { params: inputs.case } }, async (request, reply) =>
    casePage(request, reply, request.params.receipt, undefined),
  );

  app.post(
    '/account/cases/:receipt/messages',
    { ...account, schema: { params: inputs.case, body: inputs.start } },
    async (request, reply) => {
      const receipt = receiptOf(request.params.receipt);
      const values = { subject: request.body.subject, message: request.body.message };
      if (!receipt) return reply.callNotFound();
      // A second post of the same form (same one-time token) lands on the thread the first one started.
      const result = await deps.messages.start(me(request), receipt, values, submissionTokenOf(request.body));
      if (!result.ok) {
        if (result.problem === 'not_found') return reply.callNotFound();
        return casePage(request, reply, request.params.receipt, request.body, {
          values,
          errors: [{ field: result.problem, message: request.t(`messages:errors.${result.problem}`) }],
        });
      }
      return reply.redirect(`/account/messages/${result.number}?sent=1`, 303);
    },
  );
}

/** One thread, and a reply to it. */
function registerThreadRoutes(app: App, deps: SecureMessageRouteDeps): void {
  const ctx = (request: FastifyRequest) => ctxOf(request, deps.timeZone);
  const thread = async (
    request: FastifyRequest,
    reply: FastifyReply,
    number: string,
    extra: { value?: string; errors?: { field: string; message: string }[]; sent?: boolean } = {},
  ) => {
    // Showing the thread is reading it: its answers are no longer unread (the inbox, the account home). A HEAD
    // request reads nothing.
    const found =
      request.method === 'HEAD'
        ? await deps.messages.thread(me(request), number)
        : await deps.messages.open(me(request), number);
    if (!found) return reply.callNotFound();
    return reply.html(
      threadPage(ctx(request), {
        ...signedInOf(reply),
        number: String(found.item.number),
        subject: found.item.subject,
        receipt: found.item.receipt_number,
        status: found.item.status,
        messages: found.messages,
        open: found.open,
        question: found.question,
        ...extra,
      }),
      extra.errors?.length ? 400 : 200,
    );
  };

  app.get(
    '/account/messages/:number',
    { ...account, schema: { params: inputs.thread, querystring: inputs.threadQuery } },
    async (request, reply) => thread(request, reply, request.params.number, { sent: request.query.sent === '1' }),
  );

  app.post(
    '/account/messages/:number',
    { ...account, schema: { params: inputs.thread, body: inputs.reply } },
    async (request, reply) => {
      const { message } = request.body;
      const { number } = request.params;
      const result = await deps.messages.reply(me(request), number, message);
      if (!result.ok) {
        if (result.problem === 'not_found') return reply.callNotFound();
        return thread(request, reply, number, {
          value: message,
          errors: [{ field: 'message', message: request.t(`messages:errors.${result.problem}`) }],
        });
      }
      return reply.redirect(`/account/messages/${number}?sent=1`, 303);
    },
  );
}
