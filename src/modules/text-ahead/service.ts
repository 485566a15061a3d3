import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { z } from 'zod';
import { auditStaffAction, type StaffActor } from '../../platform/audit.js';
import type { Clock } from '../../platform/clock.js';
import { inTransaction, type DbHandle } from '../../platform/db/database.js';
import type { I18n, Language } from '../../platform/i18n/index.js';
import { defineJob, type JobQueue } from '../../platform/jobs/index.js';
import type { Random } from '../../platform/random.js';
import type { NotificationService } from '../notifications/index.js';
import type { CallbackControl, CallbackSummary, TextAheadSender } from './ports.js';
import { parseReply, type Answer } from './replies.js';
import * as repo from './repository.js';

/**
 * Text Ahead (CB-5, CB-6; issue 16 point 3). A customer agrees, per service item and number, to a text before an
 * agent calls back. When the callbacks module decides to call, it asks `askBeforeCall`: the CB-5 text goes to a
 * consented number (in the callback's language), and the ask waits one hour. The customer's reply is tied to exactly
 * one ask (`reply`): the item number in the reply when it names an open ask of that phone, else the latest open ask
 * of that phone, else none, and the customer gets a clarifying text. Y, N and Q go to the callbacks module
 * (`confirmed`, `declined`, `quit`); an ask without a reply in its hour is expired by `askExpiryJob`, which the
 * callbacks module hears as `noReply` (one attempt).
 */

/** How long an ask waits for its answer (CB-6). */
export const ASK_TTL_MS = 3600_000;
/** A late answer within this long after the last ask gets "nothing is waiting" instead of silence. */
const RECENT_MS = 24 * 3600_000;

/** Runs when an ask's hour is over: marks it expired and tells the callbacks module (`noReply`). */
export const askExpiryJob = defineJob({
  name: 'text-ahead-ask-expiry',
  payload: z.object({ askId: z.string().uuid() }),
});

export interface TextAheadDeps {
  db: DbHandle;
  clock: Clock;
  random: Random;
  jobs: JobQueue;
  i18n: I18n;
  notifications: Pick<NotificationService, 'queueSms'>;
  /** The callbacks module (contract of issue 16); a fake in tests. */
  control: CallbackControl;
  /** Whether a number replied STOP (case-subscriptions' `isOptedOut`, given in services.ts). */
  isOptedOut: (db: DbHandle, phone: string) => Promise<boolean>;
}

export interface ConsentInput {
  itemId: string;
  /** Any form a person types (E.164 stored). */
  phone: string;
  language: Language;
  channel: 'agent' | 'voice_assistant';
  /** The staff account that recorded it (agent channel). */
  givenBy?: string | null;
}

export type ConsentResult =
  { ok: true; phone: string } | { ok: false; problem: 'phone_invalid' | 'opted_out' | 'already' };

/** How a reply was taken (tests and logs): which ask it answered, or why none. */
export type ReplyOutcome =
  { kind: 'answered'; askId: string; answer: Answer } | { kind: 'unclear' | 'unknown_item' | 'nothing_waiting' };

/** A phone as E.164 (US numbers may be typed without +1), or undefined when it is not a valid number. */
export function e164(phone: string): string | undefined {
  const parsed = parsePhoneNumberFromString(phone.trim(), 'US');
  return parsed?.isValid() ? parsed.number : undefined;
}

export class TextAheadService implements TextAheadSender {
  constructor(private readonly deps: TextAheadDeps) {}

  /**
   * Records a customer's agreement to Text Ahead for an item at a number: on the agent console's item page, and
   * from the voice assistant when a caller accepting a callback presses 1 to "get a text before we call".
   */
  async consent(input: ConsentInput, db: DbHandle = this.deps.db, actor?: StaffActor): Promise<ConsentResult> {
    const phone = e164(input.phone);
    if (!phone) return { ok: false, problem: 'phone_invalid' };
    if (await this.deps.isOptedOut(db, phone)) return { ok: false, problem: 'opted_out' };
    const recorded = await inTransaction(db, async (trx) => {
      const done = await this.#insertConsent(trx, input, phone);
      if (done && actor)
        await auditStaffAction(trx, this.deps.clock, actor, 'text_ahead.consent_recorded', {
          type: 'service_item',
          id: input.itemId,
        });
      return done;
    });
    return recorded ? { ok: true, phone } : { ok: false, problem: 'already' };
  }

  #insertConsent(db: DbHandle, input: ConsentInput, phone: string): Promise<boolean> {
    return repo.insertConsent(db, {
      id: this.deps.random.uuid(),
      item_id: input.itemId,
      phone,
      language: input.language,
      channel: input.channel,
      given_by: input.givenBy ?? null,
      given_at: this.deps.clock.now(),
      withdrawn_at: null,
      withdrawn_by: null,
    });
  }

  /** Withdraws the standing agreement of an item at a number (answers false when there was none). */
  async withdraw(itemId: string, phone: string, actor: StaffActor | null): Promise<boolean> {
    const number = e164(phone) ?? phone;
    return inTransaction(this.deps.db, async (trx) => {
      const done = await repo.withdrawConsent(trx, itemId, number, this.deps.clock.now(), actor?.accountId ?? null);
      if (done && actor)
        await auditStaffAction(trx, this.deps.clock, actor, 'text_ahead.consent_withdrawn', {
          type: 'service_item',
          id: itemId,
        });
      return done;
    });
  }

  /** The agreements and the texts of an item, for the agent's page. */
  async ofItem(itemId: string): Promise<{ consents: repo.ConsentRow[]; asks: repo.AskRow[] }> {
    return {
      consents: await repo.consentsOfItem(this.deps.db, itemId),
      asks: await repo.asksOfItem(this.deps.db, itemId),
    };
  }

  /**
   * Before a callback (the callbacks module's `TextAheadSender` port): texts CB-5 to the first number of the
   * callback that the customer agreed to for its item (then any other agreed number of the item), skipping numbers
   * that replied STOP. Answers when the ask's hour ends (the one expiry clock: the callbacks module waits for the
   * reply until then) when a text is on its way or one is already waiting for its answer; undefined when there is no
   * usable agreement. In the caller's transaction when given one (the callback records the ask in the same one).
   */
  async askBeforeCall(c: CallbackSummary, db: DbHandle = this.deps.db): Promise<Date | undefined> {
    const { clock } = this.deps;
    const now = clock.now();
    const open = await repo.openAskOfCallback(db, c.callbackId, now);
    if (open) return open.expires_at;
    const consents = (await repo.consentsOfItem(db, c.itemId)).filter((k) => !k.withdrawn_at);
    if (!consents.length) return undefined;
    const listed = c.phones.map((p) => e164(p) ?? p);
    const ordered = [
      ...listed.filter((p) => consents.some((k) => k.phone === p)),
      ...consents.map((k) => k.phone).filter((p) => !listed.includes(p)),
    ];
    let phone: string | undefined;
    for (const candidate of new Set(ordered)) {
      if (!(await this.deps.isOptedOut(db, candidate))) {
        phone = candidate;
        break;
      }
    }
    if (!phone) return undefined;
    const to = phone;
    const expiresAt = new Date(now.getTime() + ASK_TTL_MS);
    await inTransaction(db, async (trx) => {
      const id = this.deps.random.uuid();
      const messageId = await this.deps.notifications.queueSms(trx, {
        to,
        template: 'text_ahead_ask',
        language: c.language,
        params: { number: String(c.itemNumber) },
      });
      await repo.insertAsk(trx, {
        id,
        callback_id: c.callbackId,
        item_id: c.itemId,
        item_number: c.itemNumber,
        phone: to,
        language: c.language,
        message_id: messageId || null,
        sent_at: now,
        expires_at: expiresAt,
        answered_at: null,
        answer: null,
        expired_at: null,
      });
      await this.deps.jobs.send(trx, askExpiryJob, { askId: id }, { startAfter: expiresAt });
    });
    return expiresAt;
  }

  /**
   * A text from `phone` (E.164) that the STOP/HELP words did not take (the inbound hook of case-subscriptions asks
   * here before START): the answer to send back, or undefined when the text is not for Text Ahead (the number has
   * no open ask, and it is not an answer to one of the last day).
   */
  async reply(phone: string, body: string): Promise<string | undefined> {
    return (await this.handleReply(phone, body))?.text;
  }

  /** `reply`, saying also which ask it answered (the property test checks that). */
  async handleReply(phone: string, body: string): Promise<{ text: string; outcome: ReplyOutcome } | undefined> {
    const { db, clock } = this.deps;
    const now = clock.now();
    const parsed = parseReply(body);
    const open = await repo.openAsksOf(db, phone, now);
    const recent = open[0] ?? (await repo.latestAskSince(db, phone, new Date(now.getTime() - RECENT_MS)));
    if (!open.length && (parsed.kind !== 'answer' || !recent)) return undefined;
    // The language: the ask's, else what the reply's words say.
    const lang: Language = recent?.language ?? (parsed.kind === 'answer' && parsed.spanish ? 'es' : 'en');
    const t = this.deps.i18n.t(lang);
    const listOf = (asks: repo.AskRow[]) => asks.map((a) => `#${String(a.item_number)}`).join(', ');
    const example = open[0] ? String(open[0].item_number) : '';
    if (!open.length) return this.#late(recent, parsed, now, t);
    if (parsed.kind !== 'answer') {
      return { text: t('text_ahead:sms.unclear', { numbers: listOf(open), example }), outcome: { kind: 'unclear' } };
    }
    const ask =
      parsed.itemNumber === undefined ? open[0] : open.find((a) => Number(a.item_number) === parsed.itemNumber);
    if (!ask) {
      return {
        text: t('text_ahead:sms.unknown_item', { named: String(parsed.itemNumber), numbers: listOf(open) }),
        outcome: { kind: 'unknown_item' },
      };
    }
    const taken = await this.#answer(ask, parsed.answer, now);
    if (taken === 'gone') {
      // Answered or expired a moment ago by another request or the expiry job: read the number's state again.
      return this.handleReply(phone, body);
    }
    if (taken === 'moved_on') {
      // The callback no longer waits for this answer (its item closed, or it was counted already): say so.
      return {
        text: this.deps.i18n.t(ask.language)('text_ahead:sms.nothing_waiting'),
        outcome: { kind: 'nothing_waiting' },
      };
    }
    const at = this.deps.i18n.t(ask.language);
    const text =
      parsed.answer === 'Y'
        ? at('text_ahead:sms.yes')
        : parsed.answer === 'N'
          ? at('text_ahead:sms.no')
          : at('text_ahead:sms.quit', { number: String(ask.item_number) });
    const rest = open.filter((a) => a.id !== ask.id && a.callback_id !== ask.callback_id);
    const others = rest.length
      ? ` ${at('text_ahead:sms.others', { numbers: listOf(rest), example: String(rest[0]!.item_number) })}`
      : '';
    return { text: `${text}${others}`, outcome: { kind: 'answered', askId: ask.id, answer: parsed.answer } };
  }

  /**
   * Takes the answer (only while the ask is open) and tells the callbacks module, in ONE transaction: should the
   * callbacks module fail, nothing is taken, so a resent reply, or the expiry, still counts. 'gone': the ask was not
   * open any more; 'moved_on': the callback no longer waited for it (the answer is kept, the customer is told).
   */
  async #answer(ask: repo.AskRow, answer: Answer, now: Date): Promise<'taken' | 'gone' | 'moved_on'> {
    return inTransaction(this.deps.db, async (trx) => {
      if (!(await repo.answerAsk(trx, ask.id, answer, now))) return 'gone';
      const control = this.deps.control;
      const acted =
        answer === 'Y'
          ? await control.confirmed(ask.callback_id, now, trx)
          : answer === 'N'
            ? await control.declined(ask.callback_id, now, trx)
            : await control.quit(ask.callback_id, now, trx);
      return acted === false ? 'moved_on' : 'taken';
    });
  }

  /**
   * An answer after its ask's hour (the one expiry clock: by then the callbacks module counted no reply, or will at
   * its next sweep): told truthfully. Y or N while the callback is still open: the next attempt is the call that
   * comes; Q still closes the item (the customer needs no more help); otherwise nothing is waiting.
   */
  async #late(
    recent: repo.AskRow | undefined,
    parsed: ReturnType<typeof parseReply>,
    now: Date,
    t: ReturnType<I18n['t']>,
  ): Promise<{ text: string; outcome: ReplyOutcome }> {
    const nothing = { text: t('text_ahead:sms.nothing_waiting'), outcome: { kind: 'nothing_waiting' as const } };
    if (!recent || recent.answered_at || parsed.kind !== 'answer') return nothing;
    const c = await this.deps.control.byId(recent.callback_id);
    if (!c || !['waiting_text', 'pending', 'claimed'].includes(c.status)) return nothing;
    const at = this.deps.i18n.t(recent.language);
    if (parsed.answer === 'Q') {
      if ((await this.deps.control.quit(recent.callback_id, now)) === false) return nothing;
      return {
        text: at('text_ahead:sms.quit', { number: String(recent.item_number) }),
        outcome: { kind: 'nothing_waiting' },
      };
    }
    return {
      text: at('text_ahead:sms.late', { number: String(recent.item_number) }),
      outcome: { kind: 'nothing_waiting' },
    };
  }

  /**
   * The expiry job's handler: an ask still unanswered when its hour is over is marked expired and counts as an
   * attempt (`noReply`). Safe to run twice; a run before the hour (a clock ahead of ours) schedules itself again.
   */
  async expireAsk(askId: string): Promise<'expired' | 'not_due' | 'ignored'> {
    const { db, clock } = this.deps;
    const ask = await repo.askById(db, askId);
    if (!ask || ask.answered_at || ask.expired_at) return 'ignored';
    const now = clock.now();
    if (now < ask.expires_at) {
      await this.deps.jobs.send(db, askExpiryJob, { askId }, { startAfter: ask.expires_at });
      return 'not_due';
    }
    // The mark and the callback's attempt commit together (or neither, and the job runs again).
    return inTransaction(db, async (trx) => {
      if (!(await repo.expireAsk(trx, askId, now))) return 'ignored' as const;
      await this.deps.control.noReply(ask.callback_id, now, trx);
      return 'expired' as const;
    });
  }
}
