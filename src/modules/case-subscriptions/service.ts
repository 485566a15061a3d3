import { parsePhoneNumberFromString } from 'libphonenumber-js';
import type { Clock } from '../../platform/clock.js';
import { inTransaction, type DbHandle } from '../../platform/db/database.js';
import type { Language } from '../../platform/i18n/index.js';
import type { Random } from '../../platform/random.js';
import { sha256 } from '../../platform/hashing.js';
import { emailSchema } from '../accounts/index.js';
import {
  CaseStatusNotFound,
  InvalidReceiptNumber,
  type CaseStatusService,
  type CaseStatusView,
} from '../cases/index.js';
import type { EmailRequest, NotificationService } from '../notifications/index.js';
import * as repo from './repository.js';

/**
 * Case status notifications without an account (CASE-8): anyone may follow a receipt number by email or text.
 * The owner of the address confirms first (a link valid 24 hours), every message carries a way out (the unsubscribe
 * link, or STOP for texts), and a number that replied STOP gets no text at all until it replies START.
 */

export const CONFIRM_TTL_MS = 24 * 3600_000;
const STOP_WORDS = new Set(['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', 'PARAR', 'ALTO']);
const START_WORDS = new Set(['START', 'UNSTOP', 'YES', 'SI', 'SÍ']);
const HELP_WORDS = new Set(['HELP', 'INFO', 'AYUDA']);

/** Another module's answers to texts (Text Ahead's Y/N/Q), heard after STOP and HELP (a port: no import of it). */
export interface InboundTextReplies {
  /** The text to answer with, or undefined when the text is not for it. `phone` is E.164. */
  reply(phone: string, body: string): Promise<string | undefined>;
}

export type SubscribeResult =
  | { ok: true; channel: 'email' | 'sms' }
  | {
      ok: false;
      problem: 'receipt_invalid' | 'not_found' | 'channel_required' | 'email_invalid' | 'phone_invalid' | 'opted_out';
    };

export interface SubscriptionDeps {
  db: DbHandle;
  clock: Clock;
  random: Random;
  caseStatus: CaseStatusService;
  notifications: NotificationService;
  publicUrl: string;
}

export class CaseSubscriptionService {
  constructor(private readonly deps: SubscriptionDeps) {}

  /**
   * Starts following a receipt number (Section 1367 cases are unknown here too). An address already following it
   * is answered the same, without a message; a pending one gets a new confirmation.
   */
  async subscribe(input: {
    receiptNumber: string;
    channel: string;
    email?: string;
    phone?: string;
    language: Language;
  }): Promise<SubscribeResult> {
    let view: CaseStatusView;
    try {
      view = await this.deps.caseStatus.lookup(input.receiptNumber);
    } catch (error) {
      if (error instanceof InvalidReceiptNumber) return { ok: false, problem: 'receipt_invalid' };
      if (error instanceof CaseStatusNotFound) return { ok: false, problem: 'not_found' };
      throw error;
    }
    if (input.channel !== 'email' && input.channel !== 'sms') return { ok: false, problem: 'channel_required' };
    let address: string;
    if (input.channel === 'email') {
      const email = emailSchema.safeParse(input.email ?? '');
      if (!email.success) return { ok: false, problem: 'email_invalid' };
      address = email.data;
    } else {
      const phone = parsePhoneNumberFromString(input.phone ?? '', 'US');
      if (!phone?.isValid()) return { ok: false, problem: 'phone_invalid' };
      address = phone.number;
      if (await this.#optedOut(this.deps.db, address)) return { ok: false, problem: 'opted_out' };
    }
    const { db, clock, random, notifications } = this.deps;
    const now = clock.now();
    const receipt = view.receiptNumber;
    await inTransaction(db, async (trx) => {
      const existing = await repo.activeSubscription(trx, {
        receiptNumber: receipt,
        channel: input.channel as 'email' | 'sms',
        address,
      });
      if (existing?.confirmed_at) return;
      const token = random.token(32);
      const confirm = {
        confirm_token_hash: sha256(token),
        confirm_expires_at: new Date(now.getTime() + CONFIRM_TTL_MS),
      };
      if (existing) await repo.renewConfirmation(trx, existing.id, { ...confirm, language: input.language });
      else {
        await repo.insertSubscription(trx, {
          id: random.uuid(),
          receipt_number: receipt,
          channel: input.channel as 'email' | 'sms',
          address,
          language: input.language,
          created_at: now,
          ...confirm,
          confirmed_at: null,
          unsubscribe_token: random.token(24),
          cancelled_at: null,
        });
      }
      const request = {
        to: address,
        template: 'subscription_confirm' as const,
        language: input.language,
        params: {
          receipt,
          link: `${this.deps.publicUrl}/case-status/subscriptions/confirm?token=${encodeURIComponent(token)}`,
        },
      };
      if (input.channel === 'email') await notifications.queueEmail(trx, request);
      else await notifications.queueSms(trx, request);
    });
    return { ok: true, channel: input.channel };
  }

  async confirmLinkUsable(token: string): Promise<boolean> {
    return Boolean(await this.#pending(this.deps.db, token));
  }

  async #pending(db: DbHandle, token: string) {
    return repo.pendingByTokenHash(db, sha256(token), this.deps.clock.now());
  }

  /** Confirms (once) and answers the receipt number followed. */
  async confirm(token: string): Promise<string | undefined> {
    const pending = await this.#pending(this.deps.db, token);
    if (!pending) return undefined;
    return (await repo.markConfirmed(this.deps.db, pending.id, this.deps.clock.now()))
      ? pending.receipt_number
      : undefined;
  }

  async unsubscribeLinkUsable(token: string): Promise<boolean> {
    return repo.hasActiveUnsubscribeToken(this.deps.db, token);
  }

  async unsubscribe(token: string): Promise<string | undefined> {
    return repo.cancelByUnsubscribeToken(this.deps.db, token, this.deps.clock.now());
  }

  async #optedOut(db: DbHandle, phone: string): Promise<boolean> {
    return repo.isOptedOut(db, phone);
  }

  /**
   * A text received from a phone: STOP (and its synonyms) ends every text subscription of the number and blocks
   * texts to it; HELP explains; then, for a number that did not reply STOP, `replies` (Text Ahead's answers, given
   * by app.ts) may take it; START lifts a STOP. Answers the reply to send back (a key of `subscriptions:sms`, or a
   * text `replies` made), or undefined for other texts.
   */
  async inboundText(
    from: string,
    body: string,
    replies?: InboundTextReplies,
  ): Promise<{ reply: 'stopped' | 'started' | 'help'; language: Language } | { text: string } | undefined> {
    const phone = parsePhoneNumberFromString(from, 'US')?.number ?? from;
    const word = body.trim().toUpperCase().split(/\s+/)[0] ?? '';
    const language: Language = ['PARAR', 'ALTO', 'AYUDA', 'SI', 'SÍ'].includes(word) ? 'es' : 'en';
    const now = this.deps.clock.now();
    if (STOP_WORDS.has(word)) {
      await inTransaction(this.deps.db, (trx) => repo.optOut(trx, phone, now));
      return { reply: 'stopped', language };
    }
    if (HELP_WORDS.has(word)) return { reply: 'help', language };
    // "YES" and "SI" are START words and Text Ahead's yes: a number that did not reply STOP means the latter.
    if (replies && !(await this.#optedOut(this.deps.db, phone))) {
      const text = await replies.reply(phone, body);
      if (text !== undefined) return { text };
    }
    if (START_WORDS.has(word)) {
      await repo.optIn(this.deps.db, phone);
      return { reply: 'started', language };
    }
    return undefined;
  }

  /**
   * The messages for the followers of cases whose status changed (called in the events' transaction). `describe`
   * is asked only for the followed receipt numbers (usually few of the changed ones): their current status, or null
   * for a case nobody may hear about.
   */
  async requestsFor(
    db: DbHandle,
    receipts: string[],
    describe: (followed: string[]) => Promise<Map<string, CaseStatusView | null>>,
  ): Promise<(EmailRequest & { channel: 'email' | 'sms' })[]> {
    if (!receipts.length) return [];
    const subs = await repo.followersOf(db, receipts);
    if (!subs.length) return [];
    const views = await describe([...new Set(subs.map((s) => s.receipt_number))]);
    return subs.flatMap((s) => {
      const view = views.get(s.receipt_number);
      if (!view) return [];
      return [
        {
          channel: s.channel,
          to: s.address,
          template: 'case_status_public' as const,
          language: s.language,
          params: {
            receipt: s.receipt_number,
            status: view.current.title[s.language],
            description: view.current.description[s.language],
            link: `${this.deps.publicUrl}/case-status?receipt_number=${s.receipt_number}`,
            unsubscribe: `${this.deps.publicUrl}/case-status/subscriptions/unsubscribe?token=${encodeURIComponent(s.unsubscribe_token)}`,
          },
        },
      ];
    });
  }
}
