import type { Clock } from '../../platform/clock.js';
import type { DbHandle } from '../../platform/db/database.js';
import type { Language } from '../../platform/i18n/index.js';
import type { I18n } from '../../platform/i18n/index.js';
import type { JobContext, JobQueue } from '../../platform/jobs/index.js';
import type { Logger } from '../../platform/logging.js';
import type { Random } from '../../platform/random.js';
import { deliverMessageJob, deliverUrgentMessageJob } from './jobs.js';
import { changeStatus, claimForSending, findByProviderId, findMessage, insertMessages } from './repository.js';
import { PermanentDeliveryError, type Mailer, type SmsProvider } from './transports.js';

/** Templates live in locales/<lang>/notifications.json under `templates.<name>`: email subject and body, sms. */
export const TEMPLATES = [
  'test_message',
  'case_status_changed',
  'case_update_available',
  'verify_email',
  'account_exists',
  'backup_code_used',
  'reset_password',
  'sign_in_unlock',
  'password_changed',
  'new_device',
  'confirm_new_email',
  'email_in_use',
  'email_changed',
  'confirm_recovery_email',
  'recovery_email_added',
  'recovery_email_removed',
  'one_time_code',
  'two_step_changed',
  'staff_invitation',
  'help_request_received',
  'help_request_reply',
  'help_request_escalated',
  'help_request_no_answer',
  'account_unlocked',
  'recovery_started',
  'recovery_cancelled',
  'recovery_ready',
  'recovery_completed',
  'external_identity_linked',
  'subscription_confirm',
  'case_status_public',
  'online_access_code',
  'service_item_received',
  'service_item_escalated',
  'service_item_reply',
  'service_item_reply_notice',
  'service_item_question',
  'service_item_question_notice',
  'service_item_resolved',
  'callback_unreached',
  'text_ahead_ask',
  'address_change_received',
  'address_change_failed',
  'voice_assistant_link',
  'appointment_request_received',
  'appointment_booked',
  'appointment_cancelled',
  'appointment_reminder',
  'biometrics_scheduled',
  'biometrics_rescheduled',
] as const;
export type TemplateName = (typeof TEMPLATES)[number];

/** Which queue a message is delivered through (ADR 5, "Priority and throughput"). */
export type DeliveryClass = 'urgent' | 'bulk';

/**
 * The delivery class of every template, in this one place (a new template does not compile until it is classed).
 * - urgent: someone is waiting for it (a code, a link that expires, an invitation, a confirmation they asked for),
 *   or it tells a holder that their account's security changed, which is only useful at once. Each is caused by
 *   one person's action (rate-limited with it), so this queue stays short whatever else is queued.
 * - bulk: messages fanned out from agency work (case status changes for holders and followers, service item and
 *   help request mail), which a batch of case events can queue by the hundred thousand.
 * Templates sent in place of one another (verify_email / account_exists, confirm_new_email / email_in_use) are in
 * the same class, so how soon a message arrives says nothing about whether an account exists.
 */
export const DELIVERY_CLASS: Record<TemplateName, DeliveryClass> = {
  test_message: 'urgent', // `casedesk notify`: an operator checking that delivery works
  one_time_code: 'urgent',
  verify_email: 'urgent',
  account_exists: 'urgent',
  reset_password: 'urgent',
  sign_in_unlock: 'urgent', // the emailed link past a throttled sign-in: it lasts 30 minutes
  confirm_new_email: 'urgent',
  email_in_use: 'urgent',
  confirm_recovery_email: 'urgent',
  staff_invitation: 'urgent',
  subscription_confirm: 'urgent',
  online_access_code: 'urgent',
  account_unlocked: 'urgent',
  recovery_ready: 'urgent',
  // Security notices to the holder.
  backup_code_used: 'urgent',
  password_changed: 'urgent',
  new_device: 'urgent',
  email_changed: 'urgent',
  recovery_email_added: 'urgent',
  recovery_email_removed: 'urgent',
  two_step_changed: 'urgent',
  recovery_started: 'urgent',
  recovery_cancelled: 'urgent',
  recovery_completed: 'urgent',
  external_identity_linked: 'urgent',
  voice_assistant_link: 'urgent', // the caller pressed 1 for it and expects it during or just after the call
  // Agency work, fanned out.
  case_status_changed: 'bulk',
  case_update_available: 'bulk', // a Section 1367 case's content-free status message, in place of case_status_changed
  case_status_public: 'bulk',
  help_request_received: 'bulk',
  help_request_reply: 'bulk',
  help_request_escalated: 'bulk',
  help_request_no_answer: 'bulk',
  service_item_received: 'bulk',
  service_item_escalated: 'bulk',
  service_item_reply: 'bulk',
  service_item_reply_notice: 'bulk',
  service_item_question: 'bulk',
  service_item_question_notice: 'bulk',
  service_item_resolved: 'bulk',
  callback_unreached: 'bulk', // CB-3: the agency tried twice (service item mail)
  // Text Ahead (CB-5): the customer has an hour to answer before the call, so it goes at once.
  text_ahead_ask: 'urgent',
  // A change of address: urgent, as security notices are (someone else may have changed it), and its refusal.
  address_change_received: 'urgent',
  address_change_failed: 'bulk',
  // The online appointment request (issue 17 point 3): its receipt and a cancellation confirm what the person just
  // did; the booking and the reminder a day before are agency work.
  appointment_request_received: 'urgent',
  appointment_cancelled: 'urgent',
  appointment_booked: 'bulk',
  appointment_reminder: 'bulk',
  // Biometrics (issue 17 point 2): scheduled from a case event (agency work); rescheduled by the person or an agent.
  biometrics_scheduled: 'bulk',
  biometrics_rescheduled: 'urgent',
};

/** The delivery job (queue) of a template's messages. */
export function deliveryJobFor(template: TemplateName) {
  return DELIVERY_CLASS[template] === 'urgent' ? deliverUrgentMessageJob : deliverMessageJob;
}

export interface EmailRequest {
  to: string;
  template: TemplateName;
  language: Language;
  params: Record<string, string>;
}

export type SmsRequest = EmailRequest;

export interface NotificationDeps {
  db: DbHandle;
  clock: Clock;
  random: Random;
  i18n: I18n;
  jobs: JobQueue;
  mailer: Mailer;
  sms: SmsProvider;
  mailFrom: string;
  log: Logger;
  /** Whether a phone number replied STOP (sms_opt_outs, the case-subscriptions module's; given here: that module sends through this one). */
  isOptedOut: (db: DbHandle, phone: string) => Promise<boolean>;
}

/** Maps a provider's delivery report to our status. */
export const PROVIDER_STATUSES: Record<string, 'sending' | 'sent' | 'delivered' | 'failed'> = {
  accepted: 'sending',
  queued: 'sending',
  sending: 'sending',
  sent: 'sent',
  delivered: 'delivered',
  undelivered: 'failed',
  failed: 'failed',
};

/**
 * Email and text messages, each stored with its delivery status and delivered by a durable job. A message is
 * queued in the same transaction as the change that causes it, rendered then (what is sent is what was stored),
 * and delivered at least once; a message already sent is never sent again.
 */
export class NotificationService {
  constructor(private readonly deps: NotificationDeps) {}

  /** Queues an email; none without an address (a phone caller who gave none): answers '' then. */
  async queueEmail(db: DbHandle, request: EmailRequest): Promise<string> {
    if (!request.to.trim()) return '';
    return this.#queue(db, 'email', request);
  }

  async queueSms(db: DbHandle, request: SmsRequest): Promise<string> {
    return this.#queue(db, 'sms', request);
  }

  /**
   * Many messages at once, each as queueEmail or queueSms would store it, in two inserts and one job insert:
   * for bulk work such as the notifications of a batch of case events.
   */
  async queueMany(db: DbHandle, requests: (EmailRequest & { channel: 'email' | 'sms' })[]): Promise<number> {
    if (!requests.length) return 0;
    const now = this.deps.clock.now();
    const messages = requests.map((r) => this.#message(r.channel, r, now));
    await insertMessages(db, messages);
    for (const job of [deliverUrgentMessageJob, deliverMessageJob]) {
      const ids = messages.filter((m) => deliveryJobFor(m.template) === job).map((m) => ({ messageId: m.id }));
      if (ids.length) await this.deps.jobs.sendMany(db, job, ids);
    }
    return messages.length;
  }

  async #queue(db: DbHandle, channel: 'email' | 'sms', request: EmailRequest): Promise<string> {
    const message = this.#message(channel, request, this.deps.clock.now());
    await insertMessages(db, [message]);
    await this.deps.jobs.send(db, deliveryJobFor(message.template), { messageId: message.id });
    return message.id;
  }

  /** The stored message of a request, rendered now in its language (what is sent is what was stored). */
  #message(channel: 'email' | 'sms', r: EmailRequest, now: Date) {
    const t = this.deps.i18n.t(r.language);
    return {
      // The transport it is meant for (set again when it is sent): /dev/outbox lists outbox messages still queued.
      transport: (channel === 'email' ? this.deps.mailer : this.deps.sms).transport,
      id: this.deps.random.uuid(),
      channel,
      recipient: r.to,
      template: r.template,
      language: r.language,
      subject: channel === 'email' ? t(`notifications:templates.${r.template}.subject`, r.params) : null,
      body: t(`notifications:templates.${r.template}.${channel === 'email' ? 'body' : 'sms'}`, r.params),
      status: 'queued' as const,
      created_at: now,
      updated_at: now,
    };
  }

  /**
   * The job handler. Throws on a temporary failure so the queue retries with backoff. Two statements when all goes
   * well: the claim (returning the message) and the move to `sent`.
   */
  async deliver(messageId: string, ctx: JobContext): Promise<void> {
    const { db, clock } = this.deps;
    // A message left in 'sending' for longer than a job may run was left there by a worker that died: take it
    // over. One in 'sending' for less is another worker's right now: try again later, unless it is done by then.
    const now = clock.now();
    const staleBefore = new Date(now.getTime() - deliverMessageJob.expireInSeconds * 1000);
    const message = await claimForSending(db, messageId, { at: now, staleBefore });
    if (!message) {
      // Sent, delivered or failed already (never sent again), gone, or another worker's.
      const current = await findMessage(db, messageId);
      if (!current || current.status !== 'sending') return;
      throw new Error('message is being sent by another worker');
    }
    const transport = message.channel === 'email' ? this.deps.mailer : this.deps.sms;
    // A number that replied STOP gets no text until it replies START (carrier rules; case-subscriptions module).
    if (message.channel === 'sms' && (await this.deps.isOptedOut(db, message.recipient))) {
      await changeStatus(db, messageId, ['sending'], {
        status: 'failed',
        reason: 'the number replied STOP',
        at: clock.now(),
        transport: transport.transport,
      });
      return;
    }
    try {
      const result =
        message.channel === 'email'
          ? await this.deps.mailer.send({
              id: message.id,
              to: message.recipient,
              from: this.deps.mailFrom,
              subject: message.subject ?? '',
              text: message.body,
            })
          : await this.deps.sms.send({ id: message.id, to: message.recipient, body: message.body });
      await changeStatus(db, messageId, ['sending'], {
        status: 'sent',
        at: clock.now(),
        transport: transport.transport,
        providerMessageId: result.providerMessageId,
      });
    } catch (error) {
      const reason = (error as Error).message.slice(0, 500);
      const lastTry = ctx.retryCount >= ctx.retryLimit;
      if (error instanceof PermanentDeliveryError || lastTry) {
        await changeStatus(db, messageId, ['sending'], {
          status: 'failed',
          reason,
          at: clock.now(),
          transport: transport.transport,
        });
        this.deps.log.warn({ messageId, reason }, 'message failed');
        return;
      }
      await changeStatus(db, messageId, ['sending'], {
        status: 'queued',
        reason: `retrying: ${reason}`,
        at: clock.now(),
      });
      throw error;
    }
  }

  /** A provider's delivery report (webhook). Unknown messages and backwards moves are ignored. */
  async recordProviderStatus(
    transport: string,
    providerMessageId: string,
    providerStatus: string,
    errorCode?: string,
  ): Promise<'updated' | 'ignored' | 'unknown'> {
    const status = PROVIDER_STATUSES[providerStatus];
    if (!status) return 'ignored';
    const message = await findByProviderId(this.deps.db, transport, providerMessageId);
    if (!message) return 'unknown';
    const from: ('queued' | 'sending' | 'sent' | 'delivered' | 'failed')[] =
      status === 'delivered'
        ? ['sending', 'sent', 'failed']
        : status === 'failed'
          ? ['sending', 'sent']
          : status === 'sent'
            ? ['sending']
            : [];
    if (from.length === 0) return 'ignored';
    const changed = await changeStatus(this.deps.db, message.id, from, {
      status,
      reason:
        status === 'failed' ? `provider reported ${providerStatus}${errorCode ? ` (error ${errorCode})` : ''}` : null,
      at: this.deps.clock.now(),
    });
    return changed ? 'updated' : 'ignored';
  }
}
