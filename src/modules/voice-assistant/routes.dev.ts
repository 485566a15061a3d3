import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { DbHandle } from '../../platform/db/database.js';
import { fields, text, type App } from '../../platform/http/inputs.js';
import { recentMessages, twilioSignature } from '../notifications/index.js';
import { INCOMING_PATH, STATUS_PATH } from './routes.js';
import { GATHER_PATH } from './service.js';
import { parseTwiml, spokenTexts, unescapeXml, type TwimlVerb } from './twiml.js';
import { devPhonePage, type PhoneScreen } from './views.dev.js';

export interface DevPhoneRoutesDeps {
  /** The application itself: the phone posts to the real webhooks, signed as the provider signs. */
  app: Pick<FastifyInstance, 'inject'>;
  db: DbHandle;
  authToken: string;
  publicUrl: string;
}

/** The number the assistant answers on (what `To` says in the provider's requests). */
export const DEV_AGENCY_NUMBER = '+18003755283';
const PHONE = /^\+[1-9]\d{7,14}$/;

const inputs = {
  call: fields({ from: text(20) }),
  step: fields({
    call_sid: text(40),
    from: text(20),
    started: text(20),
    digits: text(20),
    speech: text(300),
    action: text(20),
  }),
  text: fields({ from: text(20), body: text(160) }),
};

/**
 * /dev/phone (development only, like /dev/outbox): call the voice assistant from a browser. Each button posts here;
 * the server posts to the same webhooks as the provider, with a valid signature, and shows what is said. Texts in the
 * outbox can be answered (Y/N/Q, STOP...) through the inbound SMS hook, signed the same way. No JavaScript needed.
 */
/** What the phone's routes share: signed posts to the webhooks, the outbox texts, the screen of an answer. */
function phoneTools(deps: DevPhoneRoutesDeps) {
  const base = deps.publicUrl.replace(/\/$/, '');
  const post = (path: string, params: Record<string, string>) =>
    deps.app.inject({
      method: 'POST',
      url: path,
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-twilio-signature': twilioSignature(deps.authToken, `${base}${path}`, params),
      },
      payload: new URLSearchParams(params).toString(),
    });
  const texts = async () =>
    (await recentMessages(deps.db, { transport: 'outbox', limit: 50 })).filter((m) => m.channel === 'sms').slice(0, 10);
  const screenOf = (verbs: TwimlVerb[], call: { sid: string; from: string; started: string }): PhoneScreen => ({
    ...call,
    said: spokenTexts(verbs),
    ended: verbs.some((v) => v.verb === 'Hangup'),
    queue: verbs.find((v): v is TwimlVerb & { verb: 'Enqueue' } => v.verb === 'Enqueue')?.queue,
    listening: verbs.some((v) => v.verb === 'Gather'),
  });
  /** The provider's report that a call ended, with its duration. */
  const ended = async (call: { sid: string; from: string; started: string }) => {
    const seconds = Math.max(1, Math.round((Date.now() - Number(call.started)) / 1000));
    await post(STATUS_PATH, {
      CallSid: call.sid,
      From: call.from,
      CallStatus: 'completed',
      CallDuration: String(seconds),
    });
  };
  return { post, texts, screenOf, ended };
}

/**
 * /dev/phone (development only, like /dev/outbox): call the voice assistant from a browser. Each button posts here;
 * the server posts to the same webhooks as the provider, with a valid signature, and shows what is said. Texts in the
 * outbox can be answered (Y/N/Q, STOP...) through the inbound SMS hook, signed the same way. No JavaScript needed.
 */
export function registerDevPhoneRoutes(app: App, deps: DevPhoneRoutesDeps): void {
  const tools = phoneTools(deps);
  app.get('/dev/phone', { config: { policy: 'dev-only' } }, async (request, reply) =>
    reply.html(devPhonePage(request.page(), { csrf: reply.generateCsrf(), texts: await tools.texts() })),
  );
  registerCallRoutes(app, tools);
  registerTextRoutes(app, tools);
}

function registerCallRoutes(app: App, tools: ReturnType<typeof phoneTools>): void {
  app.post(
    '/dev/phone/call',
    { config: { policy: 'dev-only' }, schema: { body: inputs.call } },
    async (request, reply) => {
      const from = PHONE.test(request.body.from.trim()) ? request.body.from.trim() : '+12025550123';
      const sid = `CA${randomBytes(16).toString('hex')}`;
      const res = await tools.post(INCOMING_PATH, {
        CallSid: sid,
        From: from,
        To: DEV_AGENCY_NUMBER,
        CallStatus: 'ringing',
      });
      const screen = tools.screenOf(parseTwiml(res.body), { sid, from, started: String(Date.now()) });
      return reply.html(
        devPhonePage(request.page(), { csrf: reply.generateCsrf(), texts: await tools.texts(), screen }),
      );
    },
  );

  app.post(
    '/dev/phone/step',
    { config: { policy: 'dev-only' }, schema: { body: inputs.step } },
    async (request, reply) => {
      const { call_sid: sid, from, started, action } = request.body;
      if (!/^CA[0-9a-f]{32}$/.test(sid)) return reply.redirect('/dev/phone', 303);
      const call = {
        sid,
        from: PHONE.test(from) ? from : '',
        started: /^\d+$/.test(started) ? started : String(Date.now()),
      };
      let screen: PhoneScreen;
      if (action === 'hangup') {
        await tools.ended(call);
        screen = { ...call, said: [], ended: true, listening: false, hungUp: true };
      } else {
        const params: Record<string, string> = {
          CallSid: sid,
          From: call.from,
          To: DEV_AGENCY_NUMBER,
          CallStatus: 'in-progress',
        };
        const digits = request.body.digits.replace(/[^0-9*#]/g, '');
        if (action === 'press' && digits) params.Digits = digits;
        if (action === 'speak' && request.body.speech.trim()) {
          params.SpeechResult = request.body.speech.trim();
          params.Confidence = '0.9';
        }
        screen = tools.screenOf(parseTwiml((await tools.post(GATHER_PATH, params)).body), call);
        // The provider reports the end of a call the assistant hung up.
        if (screen.ended) await tools.ended(call);
      }
      return reply.html(
        devPhonePage(request.page(), { csrf: reply.generateCsrf(), texts: await tools.texts(), screen }),
      );
    },
  );
}

function registerTextRoutes(app: App, tools: ReturnType<typeof phoneTools>): void {
  app.post(
    '/dev/phone/text',
    { config: { policy: 'dev-only' }, schema: { body: inputs.text } },
    async (request, reply) => {
      const from = request.body.from.trim();
      const body = request.body.body.trim();
      let answer: string | undefined;
      if (PHONE.test(from) && body) {
        const res = await tools.post('/hooks/sms/twilio/inbound', {
          From: from,
          To: DEV_AGENCY_NUMBER,
          Body: body,
          MessageSid: `SM${randomBytes(16).toString('hex')}`,
        });
        answer = unescapeXml(/<Message>([\s\S]*?)<\/Message>/.exec(res.body)?.[1] ?? '');
      }
      return reply.html(
        devPhonePage(request.page(), {
          csrf: reply.generateCsrf(),
          texts: await tools.texts(),
          reply: { from, body, answer },
        }),
      );
    },
  );
}
