import { fields, text, type App } from '../../platform/http/inputs.js';
import type { RouteLimit } from '../../platform/http/policies.js';
import type { I18n } from '../../platform/i18n/index.js';
import { linkInvalidPage } from '../../platform/views/frame.js';
import { isValidTwilioSignature, twilioForm } from '../notifications/index.js';
import type { CaseSubscriptionService, InboundTextReplies } from './service.js';
import { donePage, linkPage, sentPage, subscribePage } from './views.js';

/** What the pages' forms and links send (ADR 15). */
const inputs = {
  subscribeLink: fields({ receipt_number: text(40) }),
  subscribe: fields({ receipt_number: text(40), channel: text(10), email: text(300), phone: text(40) }),
  sent: fields({ channel: text(10) }),
  token: fields({ token: text(200) }),
};

const FIELD = {
  receipt_invalid: 'receipt_number',
  not_found: 'receipt_number',
  channel_required: 'channel',
  email_invalid: 'email',
  phone_invalid: 'phone',
  opted_out: 'phone',
} as const;

function twiml(message: string): string {
  const escaped = message.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return `<?xml version="1.0" encoding="UTF-8"?><Response><Message>${escaped}</Message></Response>`;
}

export interface CaseSubscriptionRouteDeps {
  subscriptions: CaseSubscriptionService;
  limit: RouteLimit;
  smsAuthToken: string;
  publicUrl: string;
  i18n: I18n;
  /** Text Ahead's answers (Y/N/Q), heard after STOP and HELP. */
  textReplies?: InboundTextReplies;
}

/** Following a receipt number without an account (CASE-8): subscribing, the links of its messages, texts in. */
export function registerCaseSubscriptionRoutes(app: App, deps: CaseSubscriptionRouteDeps): void {
  registerSubscribeRoutes(app, deps);
  registerLinkRoutes(app, deps);
  registerInboundTextRoutes(app, deps);
}

/** The subscribe form and its confirmation. */
function registerSubscribeRoutes(app: App, deps: CaseSubscriptionRouteDeps): void {
  const { subscriptions } = deps;

  app.get(
    '/case-status/subscribe',
    { config: { policy: 'public' }, schema: { querystring: inputs.subscribeLink } },
    async (request, reply) =>
      reply.html(
        subscribePage(request.page(), {
          csrf: reply.generateCsrf(),
          values: { receipt_number: request.query.receipt_number },
        }),
      ),
  );

  app.post(
    '/case-status/subscribe',
    { config: { policy: 'public', limit: deps.limit }, schema: { body: inputs.subscribe } },
    async (request, reply) => {
      const values = request.body;
      const result = await subscriptions.subscribe({
        receiptNumber: values.receipt_number,
        channel: values.channel,
        email: values.email,
        phone: values.phone,
        language: request.lang,
      });
      if (!result.ok) {
        return reply.html(
          subscribePage(request.page(), {
            csrf: reply.generateCsrf(),
            values,
            errors: [{ field: FIELD[result.problem], message: request.t(`subscriptions:errors.${result.problem}`) }],
          }),
          400,
        );
      }
      return reply.redirect(`/case-status/subscribe/sent?channel=${result.channel}`, 303);
    },
  );

  app.get(
    '/case-status/subscribe/sent',
    { config: { policy: 'public' }, schema: { querystring: inputs.sent } },
    async (request, reply) => reply.html(sentPage(request.page(), request.query.channel === 'sms' ? 'sms' : 'email')),
  );
}

/** The links of messages open a page with a button; only the POST acts (mail scanners open links). */
function registerLinkRoutes(app: App, { subscriptions }: CaseSubscriptionRouteDeps): void {
  for (const kind of ['confirm', 'unsubscribe'] as const) {
    const usable = (token: string) =>
      kind === 'confirm' ? subscriptions.confirmLinkUsable(token) : subscriptions.unsubscribeLinkUsable(token);
    app.get(
      `/case-status/subscriptions/${kind}`,
      { config: { policy: 'public' }, schema: { querystring: inputs.token } },
      async (request, reply) => {
        const { token } = request.query;
        if (!token || !(await usable(token))) return reply.html(linkInvalidPage(request.page()), 410);
        reply.header('referrer-policy', 'no-referrer');
        return reply.html(linkPage(request.page(), { csrf: reply.generateCsrf(), token, kind }));
      },
    );
    app.post(
      `/case-status/subscriptions/${kind}`,
      { config: { policy: 'public' }, schema: { body: inputs.token } },
      async (request, reply) => {
        const { token } = request.body;
        const receipt =
          kind === 'confirm' ? await subscriptions.confirm(token) : await subscriptions.unsubscribe(token);
        if (!receipt) return reply.html(linkInvalidPage(request.page()), 410);
        return reply.html(donePage(request.page(), kind, receipt));
      },
    );
  }
}

/** Texts people send to our number: STOP, START and HELP (and their Spanish words), Text Ahead's answers, in TwiML. */
function registerInboundTextRoutes(app: App, deps: CaseSubscriptionRouteDeps): void {
  const { subscriptions } = deps;
  app.post(
    '/hooks/sms/twilio/inbound',
    { config: { policy: 'webhook', rateLimit: false }, schema: { body: twilioForm } },
    async (request, reply) => {
      const params = request.body;
      const signature = request.headers['x-twilio-signature'];
      if (
        !isValidTwilioSignature(
          deps.smsAuthToken,
          `${deps.publicUrl.replace(/\/$/, '')}${request.url}`,
          params,
          typeof signature === 'string' ? signature : undefined,
        )
      ) {
        return reply.code(403).type('text/plain').send('Invalid signature');
      }
      const answer =
        params.From && params.Body
          ? await subscriptions.inboundText(params.From, params.Body, deps.textReplies)
          : undefined;
      reply.type('text/xml; charset=utf-8');
      if (!answer) return reply.send('<?xml version="1.0" encoding="UTF-8"?><Response></Response>');
      if ('text' in answer) return reply.send(twiml(answer.text));
      return reply.send(twiml(deps.i18n.t(answer.language)(`subscriptions:sms.${answer.reply}`)));
    },
  );
}
