import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { I18n } from '../../platform/i18n/index.js';
import { linkInvalidPage } from '../../platform/views/frame.js';
import { isValidTwilioSignature } from '../notifications/index.js';
import type { CaseSubscriptionService } from './service.js';
import { donePage, linkPage, sentPage, subscribePage } from './views.js';

type Form = Record<string, unknown>;
const str = (body: unknown, name: string, max = 300): string => {
  const value = (body as Form | undefined)?.[name];
  return typeof value === 'string' ? value.slice(0, max) : '';
};

const FIELD = { receipt_invalid: 'receipt_number', not_found: 'receipt_number', channel_required: 'channel', email_invalid: 'email', phone_invalid: 'phone', opted_out: 'phone' } as const;

function twiml(message: string): string {
  const escaped = message.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return `<?xml version="1.0" encoding="UTF-8"?><Response><Message>${escaped}</Message></Response>`;
}

export function registerCaseSubscriptionRoutes(app: FastifyInstance, deps: { subscriptions: CaseSubscriptionService; limit(request: FastifyRequest): Promise<number | undefined>; smsAuthToken: string; publicUrl: string; i18n: I18n }): void {
  const { subscriptions } = deps;
  const tooMany = async (request: FastifyRequest, reply: FastifyReply) => {
    const wait = await deps.limit(request);
    if (wait === undefined) return;
    reply.header('retry-after', String(wait));
    throw Object.assign(new Error('Too many requests from this address'), { statusCode: 429 });
  };

  app.get('/case-status/subscribe', { config: { policy: 'public' } }, async (request, reply) =>
    reply.html(subscribePage(request.page(), { csrf: reply.generateCsrf(), values: { receipt_number: str(request.query, 'receipt_number', 40) } })),
  );

  app.post('/case-status/subscribe', { config: { policy: 'public' } }, async (request, reply) => {
    await tooMany(request, reply);
    const values = { receipt_number: str(request.body, 'receipt_number', 40), channel: str(request.body, 'channel', 10), email: str(request.body, 'email'), phone: str(request.body, 'phone', 40) };
    const result = await subscriptions.subscribe({ receiptNumber: values.receipt_number, channel: values.channel, email: values.email, phone: values.phone, language: request.lang });
    if (!result.ok) {
      return reply.html(subscribePage(request.page(), { csrf: reply.generateCsrf(), values, errors: [{ field: FIELD[result.problem], message: request.t(`subscriptions:errors.${result.problem}`) }] }), 400);
    }
    return reply.redirect(`/case-status/subscribe/sent?channel=${result.channel}`, 303);
  });

  app.get('/case-status/subscribe/sent', { config: { policy: 'public' } }, async (request, reply) =>
    reply.html(sentPage(request.page(), str(request.query, 'channel', 10) === 'sms' ? 'sms' : 'email')),
  );

  // The links of messages open a page with a button; only the POST acts (mail scanners open links).
  for (const kind of ['confirm', 'unsubscribe'] as const) {
    const usable = (token: string) => (kind === 'confirm' ? subscriptions.confirmLinkUsable(token) : subscriptions.unsubscribeLinkUsable(token));
    app.get(`/case-status/subscriptions/${kind}`, { config: { policy: 'public' } }, async (request, reply) => {
      const token = str(request.query, 'token', 200);
      if (!token || !(await usable(token))) return reply.html(linkInvalidPage(request.page()), 410);
      reply.header('referrer-policy', 'no-referrer');
      return reply.html(linkPage(request.page(), { csrf: reply.generateCsrf(), token, kind }));
    });
    app.post(`/case-status/subscriptions/${kind}`, { config: { policy: 'public' } }, async (request, reply) => {
      const token = str(request.body, 'token', 200);
      const receipt = kind === 'confirm' ? await subscriptions.confirm(token) : await subscriptions.unsubscribe(token);
      if (!receipt) return reply.html(linkInvalidPage(request.page()), 410);
      return reply.html(donePage(request.page(), kind, receipt));
    });
  }

  /** Texts people send to our number: STOP, START and HELP (and their Spanish words), answered in TwiML. */
  app.post('/hooks/sms/twilio/inbound', { config: { policy: 'webhook', rateLimit: false } }, async (request, reply) => {
    const body = (request.body && typeof request.body === 'object' ? request.body : {}) as Record<string, unknown>;
    const params = Object.fromEntries(Object.entries(body).filter(([, v]) => typeof v === 'string')) as Record<string, string>;
    const signature = request.headers['x-twilio-signature'];
    if (!isValidTwilioSignature(deps.smsAuthToken, `${deps.publicUrl.replace(/\/$/, '')}${request.url}`, params, typeof signature === 'string' ? signature : undefined)) {
      return reply.code(403).type('text/plain').send('Invalid signature');
    }
    const answer = params.From && params.Body ? await subscriptions.inboundText(params.From, params.Body) : undefined;
    reply.type('text/xml; charset=utf-8');
    if (!answer) return reply.send('<?xml version="1.0" encoding="UTF-8"?><Response></Response>');
    return reply.send(twiml(deps.i18n.t(answer.language)(`subscriptions:sms.${answer.reply}`)));
  });
}
