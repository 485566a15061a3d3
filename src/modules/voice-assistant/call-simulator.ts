import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { twilioSignature } from '../notifications/index.js';
import { INCOMING_PATH, STATUS_PATH } from './routes.js';
import { GATHER_PATH } from './service.js';
import { parseTwiml, spokenTexts, type TwimlVerb } from './twiml.js';

/** One answer of the voice assistant, read back. */
export interface CallAnswer {
  status: number;
  verbs: TwimlVerb[];
  /** Every Say, the ones inside a Gather included, in order. */
  said: string[];
  /** The Gather of the answer (what the caller is asked), if any. */
  gather?: TwimlVerb & { verb: 'Gather' };
}

/**
 * A call simulator (tests, benchmarks): plays a call through the real webhooks as the voice provider would, each
 * request signed with the auth token for the public URL (query included); reads the TwiML answers back and, as the
 * provider does, posts the caller's next answer to the last Gather's `action` URL and a silence to the Redirect's
 * URL (they carry the call's state: call-state.ts). Every answer is checked: a Hangup is always preceded by a Say
 * (the caller is told what happens next).
 */
export class CallSimulator {
  readonly sid = `CA${randomBytes(16).toString('hex')}`;
  /** Where the provider posts the next answer (keys or speech) and a timed-out question. */
  #next = { answer: GATHER_PATH, silence: GATHER_PATH };
  /** Post to the bare gather URL (no carried state), as an old or replayed request would. */
  withoutState = false;

  constructor(
    private readonly app: Pick<FastifyInstance, 'inject'>,
    private readonly opts: { authToken: string; publicUrl: string; from?: string },
  ) {}

  get from(): string {
    return this.opts.from ?? '+12025550123';
  }

  async post(path: string, params: Record<string, string>, signature?: string) {
    return this.app.inject({
      method: 'POST',
      url: path,
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-twilio-signature':
          signature ?? twilioSignature(this.opts.authToken, `${this.opts.publicUrl.replace(/\/$/, '')}${path}`, params),
      },
      payload: new URLSearchParams(params).toString(),
    });
  }

  #base(): Record<string, string> {
    return { CallSid: this.sid, From: this.from, To: '+18003755283', AccountSid: 'AC0000' };
  }

  async #answer(path: string, params: Record<string, string>): Promise<CallAnswer> {
    const res = await this.post(path, params);
    if (res.statusCode !== 200) return { status: res.statusCode, verbs: [], said: [] };
    const verbs = parseTwiml(res.body);
    verbs.forEach((v, i) => {
      if (v.verb === 'Hangup' && (i === 0 || verbs[i - 1]!.verb !== 'Say'))
        throw new Error(`a Hangup without a Say before it: ${res.body}`);
    });
    const gather = verbs.find((v): v is TwimlVerb & { verb: 'Gather' } => v.verb === 'Gather');
    const redirect = verbs.find((v): v is TwimlVerb & { verb: 'Redirect' } => v.verb === 'Redirect');
    this.#next = {
      answer: gather?.action ?? GATHER_PATH,
      silence: redirect?.url ?? gather?.action ?? GATHER_PATH,
    };
    return {
      status: res.statusCode,
      verbs,
      said: spokenTexts(verbs),
      gather,
    };
  }

  start(): Promise<CallAnswer> {
    return this.#answer(INCOMING_PATH, { ...this.#base(), CallStatus: 'ringing' });
  }

  #url(kind: 'answer' | 'silence'): string {
    return this.withoutState ? GATHER_PATH : this.#next[kind];
  }

  press(digits: string): Promise<CallAnswer> {
    return this.#answer(this.#url('answer'), { ...this.#base(), CallStatus: 'in-progress', Digits: digits });
  }

  say(speech: string): Promise<CallAnswer> {
    return this.#answer(this.#url('answer'), {
      ...this.#base(),
      CallStatus: 'in-progress',
      SpeechResult: speech,
      Confidence: '0.9',
    });
  }

  /** The question timed out: the provider follows the Redirect with no input. */
  silence(): Promise<CallAnswer> {
    return this.#answer(this.#url('silence'), { ...this.#base(), CallStatus: 'in-progress' });
  }

  async hangUp(durationSeconds: number, status = 'completed'): Promise<number> {
    const res = await this.post(STATUS_PATH, {
      ...this.#base(),
      CallStatus: status,
      CallDuration: String(durationSeconds),
    });
    return res.statusCode;
  }
}
