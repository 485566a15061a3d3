import { parsePhoneNumberFromString } from 'libphonenumber-js';
import type { Clock } from '../../platform/clock.js';
import { inTransaction, isAnyOf, type DbHandle } from '../../platform/db/database.js';
import type { Language } from '../../platform/i18n/index.js';
import type { Random } from '../../platform/random.js';
import { sha256 } from '../../platform/hashing.js';
import { emailSchema } from '../accounts/index.js';
import { CaseStatusNotFound, InvalidReceiptNumber, type CaseStatusService, type CaseStatusView } from '../cases/index.js';
import type { EmailRequest, NotificationService } from '../notifications/index.js';

/**
 * Case status notifications without an account (CASE-8): anyone may follow a receipt number by email or text.
 * The owner of the address confirms first (a link valid 24 hours), every message carries a way out (the unsubscribe
 * link, or STOP for texts), and a number that replied STOP gets no text at all until it replies START.
 */

export const CONFIRM_TTL_MS = 24 * 3600_000;
const STOP_WORDS = new Set(['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', 'PARAR', 'ALTO']);
const START_WORDS = new Set(['START', 'UNSTOP', 'YES', 'SI', 'SÍ']);
const HELP_WORDS = new Set(['HELP', 'INFO', 'AYUDA']);

export type SubscribeResult =
  | { ok: true; channel: 'email' | 'sms' }
  | { ok: false; problem: 'receipt_invalid' | 'not_found' | 'channel_required' | 'email_invalid' | 'phone_invalid' | 'opted_out' };

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
  async subscribe(input: { receiptNumber: string; channel: string; email?: string; phone?: string; language: Language }): Promise<SubscribeResult> {
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
      const existing = await trx.selectFrom('case_subscriptions').selectAll().where('receipt_number', '=', receipt).where('channel', '=', input.channel as 'email' | 'sms').where('address', '=', address).where('cancelled_at', 'is', null).executeTakeFirst();
      if (existing?.confirmed_at) return;
      const token = random.token(32);
      const confirm = { confirm_token_hash: sha256(token), confirm_expires_at: new Date(now.getTime() + CONFIRM_TTL_MS) };
      if (existing) await trx.updateTable('case_subscriptions').set({ ...confirm, language: input.language }).where('id', '=', existing.id).execute();
      else {
        await trx.insertInto('case_subscriptions').values({
          id: random.uuid(), receipt_number: receipt, channel: input.channel as 'email' | 'sms', address, language: input.language, created_at: now,
          ...confirm, confirmed_at: null, unsubscribe_token: random.token(24), cancelled_at: null,
        }).execute();
      }
      const request = { to: address, template: 'subscription_confirm' as const, language: input.language, params: { receipt, link: `${this.deps.publicUrl}/case-status/subscriptions/confirm?token=${encodeURIComponent(token)}` } };
      if (input.channel === 'email') await notifications.queueEmail(trx, request);
      else await notifications.queueSms(trx, request);
    });
    return { ok: true, channel: input.channel };
  }

  async confirmLinkUsable(token: string): Promise<boolean> {
    return Boolean(await this.#pending(this.deps.db, token));
  }

  async #pending(db: DbHandle, token: string) {
    return db.selectFrom('case_subscriptions').selectAll().where('confirm_token_hash', '=', sha256(token)).where('confirm_expires_at', '>', this.deps.clock.now()).where('cancelled_at', 'is', null).where('confirmed_at', 'is', null).executeTakeFirst();
  }

  /** Confirms (once) and answers the receipt number followed. */
  async confirm(token: string): Promise<string | undefined> {
    const pending = await this.#pending(this.deps.db, token);
    if (!pending) return undefined;
    const r = await this.deps.db.updateTable('case_subscriptions').set({ confirmed_at: this.deps.clock.now(), confirm_token_hash: null, confirm_expires_at: null }).where('id', '=', pending.id).where('confirmed_at', 'is', null).executeTakeFirst();
    return Number(r.numUpdatedRows) > 0 ? pending.receipt_number : undefined;
  }

  async unsubscribeLinkUsable(token: string): Promise<boolean> {
    return Boolean(await this.deps.db.selectFrom('case_subscriptions').select('id').where('unsubscribe_token', '=', token).where('cancelled_at', 'is', null).executeTakeFirst());
  }

  async unsubscribe(token: string): Promise<string | undefined> {
    const row = await this.deps.db.updateTable('case_subscriptions').set({ cancelled_at: this.deps.clock.now() }).where('unsubscribe_token', '=', token).where('cancelled_at', 'is', null).returning('receipt_number').executeTakeFirst();
    return row?.receipt_number;
  }

  async #optedOut(db: DbHandle, phone: string): Promise<boolean> {
    return Boolean(await db.selectFrom('sms_opt_outs').select('phone').where('phone', '=', phone).executeTakeFirst());
  }

  /**
   * A text received from a phone: STOP (and its synonyms) ends every text subscription of the number and blocks
   * texts to it; START lifts that; HELP explains. Answers the reply to send back, or undefined for other texts.
   */
  async inboundText(from: string, body: string): Promise<{ reply: 'stopped' | 'started' | 'help'; language: Language } | undefined> {
    const phone = parsePhoneNumberFromString(from, 'US')?.number ?? from;
    const word = body.trim().toUpperCase().split(/\s+/)[0] ?? '';
    const language: Language = ['PARAR', 'ALTO', 'AYUDA', 'SI', 'SÍ'].includes(word) ? 'es' : 'en';
    const now = this.deps.clock.now();
    if (STOP_WORDS.has(word)) {
      await inTransaction(this.deps.db, async (trx) => {
        await trx.insertInto('sms_opt_outs').values({ phone, opted_out_at: now }).onConflict((oc) => oc.column('phone').doUpdateSet({ opted_out_at: now })).execute();
        await trx.updateTable('case_subscriptions').set({ cancelled_at: now }).where('channel', '=', 'sms').where('address', '=', phone).where('cancelled_at', 'is', null).execute();
      });
      return { reply: 'stopped', language };
    }
    if (START_WORDS.has(word)) {
      await this.deps.db.deleteFrom('sms_opt_outs').where('phone', '=', phone).execute();
      return { reply: 'started', language };
    }
    if (HELP_WORDS.has(word)) return { reply: 'help', language };
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
    const subs = await db
      .selectFrom('case_subscriptions as s')
      .leftJoin('sms_opt_outs as o', (join) => join.onRef('o.phone', '=', 's.address').on('s.channel', '=', 'sms'))
      .select(['s.receipt_number', 's.channel', 's.address', 's.language', 's.unsubscribe_token'])
      .where(isAnyOf('s.receipt_number', receipts, 'text'))
      .where('s.confirmed_at', 'is not', null)
      .where('s.cancelled_at', 'is', null)
      .where('o.phone', 'is', null)
      .execute();
    if (!subs.length) return [];
    const views = await describe([...new Set(subs.map((s) => s.receipt_number))]);
    return subs.flatMap((s) => {
      const view = views.get(s.receipt_number);
      if (!view) return [];
      return [{
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
      }];
    });
  }
}
