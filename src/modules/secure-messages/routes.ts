import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { signedInOf } from '../../platform/http/page-context.js';
import { parseReceiptNumber } from '../cases/index.js';
import { submissionTokenFor, submissionTokenOf } from '../../platform/submissions.js';
import { dateTimeFormatter } from '../../platform/format.js';
import type { SecureMessageService } from './service.js';
import { caseMessagesPage, inboxPage, threadPage } from './views.js';

type Form = Record<string, unknown>;
const str = (body: unknown, name: string, max: number): string => {
  const value = (body as Form | undefined)?.[name];
  return typeof value === 'string' ? value.slice(0, max) : '';
};

/** Secure messages in the account: the inbox, a case's threads with a new-message form, and a thread. */
export function registerSecureMessageRoutes(app: FastifyInstance, deps: { messages: SecureMessageService; timeZone: string }): void {
  const account = { config: { policy: 'account' as const } };
  const ctx = (request: FastifyRequest) => ({ ...request.page(), when: dateTimeFormatter(request.lang, deps.timeZone) });
  const me = (request: FastifyRequest) => request.session!.account_id;
  const receiptOf = (request: FastifyRequest) => {
    const parsed = parseReceiptNumber((request.params as { receipt: string }).receipt);
    return parsed.ok ? parsed.value : undefined;
  };

  app.get('/account/messages', account, async (request, reply) => reply.html(inboxPage(ctx(request), { ...signedInOf(reply), threads: await deps.messages.threads(me(request)) })));

  const casePage = async (request: FastifyRequest, reply: FastifyReply, extra: { values?: Record<string, string>; errors?: { field: string; message: string }[] } = {}) => {
    const receipt = receiptOf(request);
    if (!receipt || !(await deps.messages.mayWrite(me(request), receipt))) return reply.callNotFound();
    return reply.html(caseMessagesPage(ctx(request), { ...signedInOf(reply), receipt, threads: await deps.messages.threads(me(request), receipt), submission: submissionTokenFor(request.body), ...extra }), extra.errors?.length ? 400 : 200);
  };

  app.get('/account/cases/:receipt/messages', account, async (request, reply) => casePage(request, reply));

  app.post('/account/cases/:receipt/messages', account, async (request, reply) => {
    const receipt = receiptOf(request);
    const values = { subject: str(request.body, 'subject', 500), message: str(request.body, 'message', 20_000) };
    if (!receipt) return reply.callNotFound();
    // A second post of the same form (same one-time token) lands on the thread the first one started.
    const result = await deps.messages.start(me(request), receipt, values, submissionTokenOf(request.body));
    if (!result.ok) {
      if (result.problem === 'not_found') return reply.callNotFound();
      return casePage(request, reply, { values, errors: [{ field: result.problem, message: request.t(`messages:errors.${result.problem}`) }] });
    }
    return reply.redirect(`/account/messages/${result.number}?sent=1`, 303);
  });

  const thread = async (request: FastifyRequest, reply: FastifyReply, extra: { value?: string; errors?: { field: string; message: string }[]; sent?: boolean } = {}) => {
    const found = await deps.messages.thread(me(request), (request.params as { number: string }).number);
    if (!found) return reply.callNotFound();
    return reply.html(
      threadPage(ctx(request), { ...signedInOf(reply), number: String(found.item.number), subject: found.item.subject, receipt: found.item.receipt_number, status: found.item.status, messages: found.messages, open: found.open, ...extra }),
      extra.errors?.length ? 400 : 200,
    );
  };

  app.get('/account/messages/:number', account, async (request, reply) => thread(request, reply, { sent: str(request.query, 'sent', 1) === '1' }));

  app.post('/account/messages/:number', account, async (request, reply) => {
    const message = str(request.body, 'message', 20_000);
    const number = (request.params as { number: string }).number;
    const result = await deps.messages.reply(me(request), number, message);
    if (!result.ok) {
      if (result.problem === 'not_found') return reply.callNotFound();
      return thread(request, reply, { value: message, errors: [{ field: 'message', message: request.t(`messages:errors.${result.problem}`) }] });
    }
    return reply.redirect(`/account/messages/${number}?sent=1`, 303);
  });
}
