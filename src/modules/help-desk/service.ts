import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { z } from 'zod';
import type { Clock } from '../../platform/clock.js';
import { inTransaction, type DbHandle } from '../../platform/db/database.js';
import { submitOnce, type RecordSubmission } from '../../platform/submissions.js';
import type { Language } from '../../platform/i18n/index.js';
import { defineJob, type JobQueue } from '../../platform/jobs/index.js';
import type { Random } from '../../platform/random.js';
import {
  emailSchema,
  type AccountService,
  accountsByAnyEmail,
  accountsByOnlineAccountNumber,
  countSecurityEventsSince,
  deleteSessionsOf,
  findAccountByEmail,
  findAccountById,
  recentSecurityEvents,
  recordSecurityEvent,
  removeCredentials,
  setVerifiedPrimaryEmail,
  twoStepSummary,
  UNLOCKED_EVENT,
  verifiedPhoneNumbers,
  type AccountRow,
} from '../accounts/index.js';
import type { NotificationService } from '../notifications/index.js';
import { promisedDays, type ServiceItemRow, type ServiceItemService } from '../service-items/index.js';
import type { CallbackRequestInput } from '../callbacks/index.js';

/**
 * The callbacks module's request, made inside the escalation's transaction, and Tier 2's call attempts recorded on
 * the item's callback (one place for attempts, issue 16 review), in the same transaction as the item's change.
 */
interface CallbackRequesterInTransaction {
  request(input: CallbackRequestInput, db: DbHandle): Promise<unknown>;
  recordItemAttempt?(
    p: { itemId: string; agentId: string; answered: boolean },
    db: DbHandle,
  ): Promise<{ result: 'answered' | 'second_attempt' | 'unreached'; attempt: number } | undefined>;
}
import { auditStaffAction, type StaffActor } from '../../platform/audit.js';
import { sha256 } from '../../platform/hashing.js';
import * as repo from './repository.js';

/**
 * The Technical Help Desk (ACC-6, ACC-7, issue 3 items 4 and 10): the technical-help form and its items, finding an
 * account, unlocking it, sending a reset link, and the verified recovery for a person who lost every factor.
 * Every staff action is audited; every change to an account is a security event the person can see.
 */

/**
 * The form's topics. How long each takes (ACC-6: resets and lockouts within one day, the rest in two to three days) is
 * not said here: the routing rules give each topic its SLA policy and service-items/sla.ts its numbers.
 */
export const HELP_TOPICS = ['password_reset', 'locked_out', 'two_step', 'email_or_phone', 'sign_up', 'other'] as const;
export type HelpTopic = (typeof HELP_TOPICS)[number];
/** What the customer is promised for a topic, in days ("within 1 day", "within 2 to 3 days"). */
export interface PromisedDays {
  min: number;
  max: number;
}
export const HELP_DESK_QUEUE = 'help_desk';
export const TIER2_QUEUE = 'tier2';
/**
 * ACC-7: Tier 2 calls back from this number, twice at most (the callbacks module's CB-3 chain counts the attempts);
 * then the customer must start over.
 */
export const CALLBACK_NUMBER = '202-838-2104';
/** ACC-7: the missed calls after which an item without a callback (e.g. no valid number for one) closes. */
const CALLBACK_ATTEMPTS = 2;
/** The resolution of an item closed after the missed calls (the one the callbacks module's chain gives). */
const NO_ANSWER_RESOLUTION = 'no_response';
/** Verified recovery: the wait between the help desk's start and the recovery link, during which anyone with the email or phone can cancel. */
export const RECOVERY_WAIT_MS = 72 * 3600_000;
export const RECOVERY_LINK_TTL_MS = 24 * 3600_000;

export const recoveryReadyJob = defineJob({
  name: 'account-recovery-ready',
  payload: z.object({ recoveryId: z.string().uuid() }),
});

export const helpRequestSchema = z.object({
  name: z.string().trim().min(1, 'name_required').max(100, 'name_too_long'),
  email: z.string().trim().min(1, 'email_required').pipe(emailSchema.or(z.never())),
  phone: z.string().trim().max(30).optional(),
  topic: z.enum(HELP_TOPICS, { message: 'topic_required' }),
  description: z.string().trim().min(10, 'description_too_short').max(2000, 'description_too_long'),
});

/** The order of the fields on the form, which the error summary follows. */
const FORM_ORDER = ['topic', 'description', 'name', 'email', 'phone'];

export type HelpRequestInput = { name?: string; email?: string; phone?: string; topic?: string; description?: string };
export type FieldProblem = { field: string; code: string };

export interface HelpDeskDeps {
  db: DbHandle;
  clock: Clock;
  random: Random;
  jobs: JobQueue;
  accounts: AccountService;
  notifications: NotificationService;
  items: ServiceItemService;
  /** Tier 2's callback lines (ACC-7): an escalation asks for a callback there (issue 16; absent in older wiring). */
  callbacks?: CallbackRequesterInTransaction;
  publicUrl: string;
  /** The email subject line of an item, in its language ("Technical help: locked out"). */
  topicLabel(topic: string, lang: Language): string;
}

export type AccountChange =
  | { ok: true }
  | {
      ok: false;
      problem:
        | 'not_found'
        | 'reason_required'
        | 'identity_required'
        | 'email_invalid'
        | 'email_in_use'
        | 'recovery_open'
        | 'no_recovery'
        | 'not_activated';
    };

/** What an audit entry is about: a service item, an account. */
const itemSubject = (item: { id: string }) => ({ type: 'service_item', id: item.id });
const accountSubject = (id: string) => ({ type: 'account', id });

/** What auditStaffAction takes after the database, the clock and the actor (action, subject, details, reason). */
type AuditEntry = Parameters<typeof auditStaffAction> extends [unknown, unknown, unknown, ...infer Rest] ? Rest : never;

export class HelpDeskService {
  constructor(private readonly deps: HelpDeskDeps) {}

  /** Audits an action of this staff member (`db`: the transaction it belongs to). */
  #audit(db: DbHandle, actor: StaffActor | null, ...entry: AuditEntry): Promise<void> {
    return auditStaffAction(db, this.deps.clock, actor, ...entry);
  }

  // ---- The technical-help form (public and in the account) -------------------------------------------------------

  /** Validates and files a technical-help request as a service item in the help desk queue; emails its number. */
  /**
   * `submission`: the form's one-time token; a second post of it answers the item the first one made, unchanged
   * (platform/submissions.ts).
   */
  async submitRequest(
    input: HelpRequestInput,
    ctx: { language: Language; accountId?: string; submission?: string },
  ): Promise<{ ok: true; item: ServiceItemRow } | { ok: false; problems: FieldProblem[] }> {
    const once = await submitOnce(
      this.deps.db,
      { token: ctx.submission, form: 'help/technical', now: this.deps.clock.now() },
      (record) => this.#submitRequest(input, ctx, record),
    );
    if (!('repeated' in once)) return once;
    const item = await this.deps.items.byNumber(once.repeated);
    if (!item) throw new Error(`form_submissions names item ${once.repeated}, which does not exist`);
    return { ok: true, item };
  }

  async #submitRequest(
    input: HelpRequestInput,
    ctx: { language: Language; accountId?: string },
    record: RecordSubmission,
  ): Promise<{ ok: true; item: ServiceItemRow } | { ok: false; problems: FieldProblem[] }> {
    const parsed = helpRequestSchema.safeParse({ ...input, phone: input.phone || undefined });
    const problems: FieldProblem[] = parsed.success
      ? []
      : parsed.error.issues.map((i) => ({
          field: String(i.path[0]),
          code: i.path[0] === 'email' ? (input.email?.trim() ? 'email_invalid' : 'email_required') : i.message,
        }));
    let phone: string | undefined;
    if (input.phone?.trim()) {
      const number = parsePhoneNumberFromString(input.phone, 'US');
      if (!number?.isValid()) problems.push({ field: 'phone', code: 'phone_invalid' });
      else phone = number.number;
    }
    if (!parsed.success || problems.length)
      return {
        ok: false,
        problems: dedupe(problems).sort((a, b) => FORM_ORDER.indexOf(a.field) - FORM_ORDER.indexOf(b.field)),
      };
    const { topic } = parsed.data;
    return inTransaction(this.deps.db, async (trx) => {
      // Like every channel, the routing rules say where it goes and which SLA clock it gets (ACC-6, ACC-7).
      const { item, expectation } = await this.deps.items.createRouted(
        {
          channel: 'technical_help_form',
          type: topic,
          accountId: ctx.accountId ?? null,
          contact: { name: parsed.data.name, email: parsed.data.email, phone },
          language: ctx.language,
          subject: this.deps.topicLabel(topic, ctx.language),
          description: parsed.data.description,
        },
        trx,
      );
      const days = promisedDays(expectation.kind);
      await this.deps.notifications.queueEmail(trx, {
        to: item.contact_email,
        template: 'help_request_received',
        language: ctx.language,
        params: {
          number: String(item.number),
          topic: item.subject,
          days: !days ? '' : days.min === days.max ? String(days.max) : `${days.min}-${days.max}`,
        },
      });
      await record(trx, String(item.number));
      return { ok: true, item } as const;
    });
  }

  /** What the form promises for each topic: the routing rules' SLA policy of the topic, in days (ACC-6). */
  async topicPromises(): Promise<Record<HelpTopic, PromisedDays>> {
    const policies = await this.deps.items.policiesFor('technical_help_form', HELP_TOPICS);
    return Object.fromEntries(
      HELP_TOPICS.map((topic) => [topic, promisedDays(policies[topic]!) ?? { min: 3, max: 3 }]),
    ) as Record<HelpTopic, PromisedDays>;
  }

  async openItems(actor: StaffActor, queues: string[]) {
    return this.deps.items.openItems(queues, actor);
  }

  /** An item by number, if this person may see it at all (CC-6); the routes then check it is in their queues. */
  async item(actor: StaffActor, number: string) {
    const item = await this.deps.items.forStaff(actor, number);
    if (!item) return undefined;
    await this.#audit(this.deps.db, actor, 'help_desk.item_viewed', itemSubject(item));
    return { item, timeline: await this.deps.items.timeline(item.id) };
  }

  async addNote(actor: StaffActor, item: ServiceItemRow, note: string): Promise<void> {
    await inTransaction(this.deps.db, async (trx) => {
      await this.deps.items.record(
        item.id,
        { kind: 'note', actorId: actor.accountId, body: note },
        { status: item.status === 'open' ? 'in_progress' : undefined, ownerId: item.owner_id ?? actor.accountId },
        trx,
      );
      await this.#audit(trx, actor, 'help_desk.item_note', itemSubject(item));
    });
  }

  /** Answers the customer by email (kept on the timeline as customer-visible) and resolves the item if asked. */
  async reply(actor: StaffActor, item: ServiceItemRow, message: string, resolve: boolean): Promise<void> {
    await inTransaction(this.deps.db, async (trx) => {
      await this.deps.notifications.queueEmail(trx, {
        to: item.contact_email,
        template: 'help_request_reply',
        language: item.language,
        params: { number: String(item.number), message },
      });
      await this.deps.items.record(
        item.id,
        { kind: 'reply', actorId: actor.accountId, body: message, customerVisible: true },
        resolve
          ? { status: 'resolved', resolution: 'answered', ownerId: item.owner_id ?? actor.accountId }
          : { status: 'waiting_on_customer', ownerId: item.owner_id ?? actor.accountId },
        trx,
      );
      await this.#audit(
        trx,
        actor,
        resolve ? 'help_desk.item_answered_and_resolved' : 'help_desk.item_answered',
        itemSubject(item),
      );
    });
  }

  /** ACC-7: beyond the help desk's reach, the item goes to Tier 2, who calls the customer back; the customer is told. */
  async escalateToTier2(
    actor: StaffActor,
    item: ServiceItemRow,
    reason: string,
  ): Promise<{ ok: true } | { ok: false; problem: 'phone_required' | 'already' }> {
    if (item.queue === TIER2_QUEUE) return { ok: false, problem: 'already' };
    if (!item.contact_phone) return { ok: false, problem: 'phone_required' };
    await inTransaction(this.deps.db, async (trx) => {
      await this.deps.items.record(
        item.id,
        { kind: 'escalated', actorId: actor.accountId, body: reason, details: { to: TIER2_QUEUE } },
        { status: 'escalated', queue: TIER2_QUEUE, ownerId: null },
        trx,
      );
      await this.deps.notifications.queueEmail(trx, {
        to: item.contact_email,
        template: 'help_request_escalated',
        language: item.language,
        params: { number: String(item.number), callback: CALLBACK_NUMBER },
      });
      await this.#audit(trx, actor, 'help_desk.item_escalated', itemSubject(item), undefined, reason);
      // ACC-7: Tier 2 calls back, from the national Tier 2 callback line (the number as a US number, E.164).
      const phone = parsePhoneNumberFromString(item.contact_phone!, 'US');
      if (this.deps.callbacks && phone?.isValid())
        await this.deps.callbacks.request(
          {
            itemId: item.id,
            phones: [phone.number],
            language: item.language,
            source: 'help_desk',
            requestedBy: actor.accountId,
          },
          trx,
        );
    });
    return { ok: true };
  }

  /**
   * Tier 2's callback attempt, counted by the callbacks module's CB-3 chain (one count, with the attempts recorded on
   * the callbacks console): answered, the callback is done; a first miss brings the second attempt 60-90 minutes on;
   * the second miss closes the item and the customer is emailed to start over (ACC-7). The agent's note stays on the
   * item's timeline. An item without an open callback (escalated with a number no callback could be asked for, or
   * before callbacks existed) counts the misses recorded on its timeline: the second closes it with the same email.
   */
  async recordCallAttempt(
    actor: StaffActor,
    item: ServiceItemRow,
    answered: boolean,
    note: string,
  ): Promise<{ closed: boolean }> {
    return inTransaction(this.deps.db, async (trx) => {
      const chain = await this.deps.callbacks?.recordItemAttempt?.(
        { itemId: item.id, agentId: actor.accountId, answered },
        trx,
      );
      // No callback to count them: the misses recorded here count (ACC-7: two, then the customer starts over).
      const missed = chain
        ? undefined
        : (await this.deps.items.timeline(item.id, trx)).filter(
            (e) => e.kind === 'call_attempt' && (e.details as { answered?: boolean } | null)?.answered === false,
          ).length + (answered ? 0 : 1);
      const closeHere = !answered && missed !== undefined && missed >= CALLBACK_ATTEMPTS;
      const closed = chain?.result === 'unreached' || closeHere;
      await this.deps.items.record(
        item.id,
        {
          kind: 'call_attempt',
          actorId: actor.accountId,
          body: note || null,
          details: { answered, attempt: chain?.attempt ?? missed ?? null },
        },
        closeHere
          ? { status: 'closed', resolution: NO_ANSWER_RESOLUTION }
          : chain?.result === 'unreached'
            ? {} // closed by the callbacks module's chain
            : { status: 'in_progress', ownerId: item.owner_id ?? actor.accountId },
        trx,
      );
      if (closeHere)
        await this.deps.notifications.queueEmail(trx, {
          to: item.contact_email,
          template: 'help_request_no_answer',
          language: item.language,
          params: { number: String(item.number), link: `${this.deps.publicUrl}/help/technical` },
        });
      await this.#audit(trx, actor, 'help_desk.call_attempt', itemSubject(item), { answered });
      return { closed };
    });
  }

  async resolve(actor: StaffActor, item: ServiceItemRow, resolution: string): Promise<void> {
    await inTransaction(this.deps.db, async (trx) => {
      await this.deps.items.record(
        item.id,
        { kind: 'resolved', actorId: actor.accountId, body: resolution },
        { status: 'resolved', resolution },
        trx,
      );
      await this.#audit(trx, actor, 'help_desk.item_resolved', itemSubject(item));
    });
  }

  // ---- Accounts --------------------------------------------------------------------------------------------------

  /** Finds accounts by email (primary or recovery) or Online Account Number (12 digits; spaces and dashes ignored). */
  async findAccounts(
    actor: StaffActor,
    query: string,
  ): Promise<{ ok: true; accounts: AccountRow[] } | { ok: false; problem: 'query_invalid' }> {
    const q = query.trim();
    const digits = q.replace(/[\s-]/g, '');
    let accounts: AccountRow[];
    if (/^\d{12}$/.test(digits)) accounts = await accountsByOnlineAccountNumber(this.deps.db, digits);
    else {
      const email = emailSchema.safeParse(q);
      if (!email.success) return { ok: false, problem: 'query_invalid' };
      accounts = await accountsByAnyEmail(this.deps.db, email.data);
    }
    await this.#audit(this.deps.db, actor, 'help_desk.account_search', undefined, {
      by: /^\d{12}$/.test(digits) ? 'online_account_number' : 'email',
      found: accounts.map((a) => a.id),
    });
    return { ok: true, accounts };
  }

  /** Everything the help desk needs about an account's security (no case data). The view is audited. */
  async accountOverview(actor: StaffActor, accountId: string) {
    const { db } = this.deps;
    const account = await findAccountById(db, accountId);
    if (!account || account.kind === 'staff') return undefined;
    const [methods, events, locks, recovery, items, sessions] = await Promise.all([
      twoStepSummary(db, accountId),
      recentSecurityEvents(db, accountId, 50),
      this.deps.accounts.lockState(accountId),
      repo.openRecovery(db, accountId),
      this.deps.items.ofAccount(accountId, actor),
      this.deps.accounts.activeSessions(accountId),
    ]);
    await this.#audit(db, actor, 'help_desk.account_viewed', accountSubject(accountId));
    return { account, methods, events, locks, recovery, items, sessionCount: sessions.length };
  }

  /** ACC-6: clears the sign-in and code lockouts (and the hourly reset-link limit), and tells the person by email. */
  async unlock(actor: StaffActor, accountId: string, reason: string): Promise<AccountChange> {
    if (!reason.trim()) return { ok: false, problem: 'reason_required' };
    const { db, clock } = this.deps;
    return inTransaction(db, async (trx) => {
      const account = await findAccountById(trx, accountId);
      if (!account || account.kind === 'staff') return { ok: false, problem: 'not_found' } as const;
      await recordSecurityEvent(trx, {
        accountId,
        kind: UNLOCKED_EVENT,
        at: clock.now(),
        details: { by: 'help_desk' },
      });
      await this.deps.notifications.queueEmail(trx, {
        to: account.email,
        template: 'account_unlocked',
        language: account.language,
        params: {
          sign_in: `${this.deps.publicUrl}/account/sign-in`,
          reset: `${this.deps.publicUrl}/account/forgot-password`,
        },
      });
      await this.#audit(trx, actor, 'help_desk.account_unlocked', accountSubject(accountId), undefined, reason.trim());
      return { ok: true } as const;
    });
  }

  /** ACC-6: sends the reset instructions (the same single-use link as "forgot password", to the same addresses). */
  async sendResetLink(
    actor: StaffActor,
    accountId: string,
  ): Promise<AccountChange | { ok: false; problem: 'limit_reached' }> {
    const { db, clock } = this.deps;
    const account = await findAccountById(db, accountId);
    if (!account || account.kind === 'staff') return { ok: false, problem: 'not_found' };
    if (!account.activated_at) return { ok: false, problem: 'not_activated' };
    const since = new Date(clock.now().getTime() - 3600_000);
    const before = (await countSecurityEventsSince(db, accountId, 'reset_requested', since)).count;
    await this.deps.accounts.requestPasswordReset(account.email);
    const sent = (await countSecurityEventsSince(db, accountId, 'reset_requested', since)).count > before;
    await this.#audit(
      db,
      actor,
      sent ? 'help_desk.reset_link_sent' : 'help_desk.reset_link_refused',
      accountSubject(accountId),
    );
    return sent ? { ok: true } : { ok: false, problem: 'limit_reached' };
  }

  // ---- Verified recovery (issue 3 item 4) --------------------------------------------------------------------------

  /**
   * Starts a verified recovery after the help desk has checked the person's identity (what was checked is recorded).
   * Notices with a cancel link go at once to the account's email, recovery email and phones; after RECOVERY_WAIT_MS
   * a single-use link goes to `deliverTo` (the address the person can read now).
   */
  async startRecovery(
    actor: StaffActor,
    accountId: string,
    input: { identityChecks: string; deliverTo: string; itemNumber?: string },
  ): Promise<AccountChange> {
    const checks = input.identityChecks.trim();
    if (checks.length < 10) return { ok: false, problem: 'identity_required' };
    const deliverTo = emailSchema.safeParse(input.deliverTo);
    if (!deliverTo.success) return { ok: false, problem: 'email_invalid' };
    const { db, clock, random, notifications, jobs } = this.deps;
    const now = clock.now();
    return inTransaction(db, async (trx) => {
      const account = await findAccountById(trx, accountId);
      if (!account || account.kind === 'staff') return { ok: false, problem: 'not_found' } as const;
      if (!account.activated_at) return { ok: false, problem: 'not_activated' } as const;
      const owner = await findAccountByEmail(trx, deliverTo.data);
      if (owner && owner.id !== accountId) return { ok: false, problem: 'email_in_use' } as const;
      if (await repo.openRecovery(trx, accountId)) return { ok: false, problem: 'recovery_open' } as const;
      const item = input.itemNumber ? await this.deps.items.forStaff(actor, input.itemNumber, trx) : undefined;
      const cancelToken = random.token(32);
      const id = random.uuid();
      const readyAt = new Date(now.getTime() + RECOVERY_WAIT_MS);
      await repo.insertRecovery(trx, {
        id,
        account_id: accountId,
        started_by: actor.accountId,
        identity_checks: checks.slice(0, 2000),
        deliver_to: deliverTo.data,
        service_item_id: item?.id ?? null,
        created_at: now,
        ready_at: readyAt,
        cancel_token_hash: sha256(cancelToken),
        cancelled_at: null,
        cancelled_by: null,
        link_token_hash: null,
        link_sent_at: null,
        link_expires_at: null,
        completed_at: null,
      });
      await recordSecurityEvent(trx, {
        accountId,
        kind: 'recovery_started',
        at: now,
        details: { deliverTo: deliverTo.data },
      });
      const cancel = `${this.deps.publicUrl}/account/recovery/cancel?token=${encodeURIComponent(cancelToken)}`;
      const params = { cancel, date: readyAt.toISOString().slice(0, 10) };
      const addresses = new Set([
        account.email,
        ...(account.recovery_email ? [account.recovery_email] : []),
        deliverTo.data,
      ]);
      for (const to of addresses)
        await notifications.queueEmail(trx, { to, template: 'recovery_started', language: account.language, params });
      for (const phone of await verifiedPhoneNumbers(trx, accountId))
        await notifications.queueSms(trx, {
          to: phone,
          template: 'recovery_started',
          language: account.language,
          params,
        });
      await jobs.send(trx, recoveryReadyJob, { recoveryId: id }, { startAfter: readyAt });
      if (item)
        await this.deps.items.record(
          item.id,
          { kind: 'recovery_started', actorId: actor.accountId, details: { recoveryId: id } },
          { status: 'in_progress' },
          trx,
        );
      await this.#audit(
        trx,
        actor,
        'help_desk.recovery_started',
        accountSubject(accountId),
        { deliverTo: deliverTo.data, recoveryId: id },
        checks.slice(0, 500),
      );
      return { ok: true } as const;
    });
  }

  /** Whether a cancel link is still good (the page shows a button; only the POST cancels). */
  async cancelLinkUsable(token: string): Promise<boolean> {
    return Boolean(await repo.recoveryByCancelToken(this.deps.db, sha256(token)));
  }

  /** Cancels a recovery: by its cancel link (the account holder) or by the help desk. Everyone is told. */
  async cancelRecovery(by: { token: string } | { actor: StaffActor; accountId: string }): Promise<AccountChange> {
    const { db, clock, notifications } = this.deps;
    return inTransaction(db, async (trx) => {
      const recovery =
        'token' in by
          ? await repo.recoveryByCancelToken(trx, sha256(by.token))
          : await repo.openRecovery(trx, by.accountId);
      if (!recovery) return { ok: false, problem: 'no_recovery' } as const;
      const who = 'token' in by ? 'account_holder' : 'help_desk';
      if (!(await repo.cancelRecovery(trx, recovery.id, clock.now(), who)))
        return { ok: false, problem: 'no_recovery' } as const;
      const account = await findAccountById(trx, recovery.account_id);
      await recordSecurityEvent(trx, {
        accountId: recovery.account_id,
        kind: 'recovery_cancelled',
        at: clock.now(),
        details: { by: who },
      });
      if (account) {
        for (const to of new Set([account.email, recovery.deliver_to]))
          await notifications.queueEmail(trx, {
            to,
            template: 'recovery_cancelled',
            language: account.language,
            params: {},
          });
      }
      if ('actor' in by)
        await this.#audit(trx, by.actor, 'help_desk.recovery_cancelled', accountSubject(recovery.account_id));
      return { ok: true } as const;
    });
  }

  /**
   * The job at the end of the waiting period: sends the recovery link (once) unless the recovery was cancelled.
   * Early (clocks differ between machines): throws so the job is retried.
   */
  async sendRecoveryLink(recoveryId: string): Promise<'sent' | 'skipped'> {
    const { db, clock, random, notifications } = this.deps;
    return inTransaction(db, async (trx) => {
      const recovery = await repo.recoveryById(trx, recoveryId);
      if (!recovery || recovery.cancelled_at || recovery.completed_at || recovery.link_sent_at)
        return 'skipped' as const;
      const now = clock.now();
      if (recovery.ready_at > now) throw new Error('recovery waiting period not over yet');
      const token = random.token(32);
      await repo.markLinkSent(trx, recoveryId, sha256(token), now, new Date(now.getTime() + RECOVERY_LINK_TTL_MS));
      const account = await findAccountById(trx, recovery.account_id);
      await notifications.queueEmail(trx, {
        to: recovery.deliver_to,
        template: 'recovery_ready',
        language: account?.language ?? 'en',
        params: { link: `${this.deps.publicUrl}/account/recover?token=${encodeURIComponent(token)}` },
      });
      await recordSecurityEvent(trx, { accountId: recovery.account_id, kind: 'recovery_link_sent', at: now });
      return 'sent' as const;
    });
  }

  async recoveryLinkUsable(token: string): Promise<boolean> {
    return Boolean(await repo.recoveryByLinkToken(this.deps.db, sha256(token), this.deps.clock.now()));
  }

  /**
   * Uses the recovery link (once): the old password, two-step methods and backup codes are removed, every session
   * ends, the primary email becomes the address the link went to, and the person sets up the account again.
   * Answers the account id for a set-up session.
   */
  async completeRecovery(token: string, ip?: string): Promise<string | undefined> {
    const { db, clock, notifications } = this.deps;
    const now = clock.now();
    return inTransaction(db, async (trx) => {
      const recovery = await repo.recoveryByLinkToken(trx, sha256(token), now);
      if (!recovery || !(await repo.completeRecovery(trx, recovery.id, now))) return undefined;
      const account = await findAccountById(trx, recovery.account_id);
      if (!account) return undefined;
      await removeCredentials(trx, account.id);
      await deleteSessionsOf(trx, account.id);
      const emailChanged = recovery.deliver_to !== account.email;
      if (emailChanged) await setVerifiedPrimaryEmail(trx, account.id, recovery.deliver_to, now);
      await recordSecurityEvent(trx, {
        accountId: account.id,
        kind: 'recovery_completed',
        at: now,
        ip,
        details: emailChanged ? { emailFrom: account.email, emailTo: recovery.deliver_to } : {},
      });
      for (const to of new Set([account.email, recovery.deliver_to]))
        await notifications.queueEmail(trx, {
          to,
          template: 'recovery_completed',
          language: account.language,
          params: {},
        });
      return account.id;
    });
  }
}

function dedupe(problems: FieldProblem[]): FieldProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => (seen.has(p.field) ? false : (seen.add(p.field), true)));
}
