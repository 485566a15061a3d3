import type { Clock } from '../../platform/clock.js';
import { inTransaction, type DbHandle } from '../../platform/db/database.js';
import { submitOnce, type RecordSubmission } from '../../platform/submissions.js';
import type { AccountService } from '../accounts/index.js';
import type { AccountCaseService } from '../account-cases/index.js';
import {
  markThreadRead,
  secureMessageThreadsOf,
  type ServiceItemRow,
  type ServiceItemService,
} from '../service-items/index.js';

/**
 * Secure messages (issue 5 item 5; CASE-3): a person writes to the agency about a case whose capability allows it
 * (online-filed cases and IOE paper cases linked with an Online Access Code; never legacy paper cases, CASE-6).
 * Each new thread is a service item of the channel `secure_message`, routed by the rules (a Section 1367 case's
 * thread goes to Tier 3). The person sees the thread's customer-visible entries: their messages and the agency's
 * answers (internal notes never). Answering a thread that waits on them restarts its clock.
 */

export const MAX_MESSAGE = 5000;
export const MAX_SUBJECT = 150;

export interface ThreadSummary {
  number: string;
  subject: string;
  receiptNumber: string | null;
  status: ServiceItemRow['status'];
  createdAt: Date;
  lastAt: Date;
  /** The last visible entry is an answer from the agency. */
  answered: boolean;
  /** An answer or a question from the agency came after the person last opened the thread (or was never opened). */
  unread: boolean;
}

export interface ThreadMessage {
  from: 'customer' | 'agency';
  at: Date;
  body: string;
}

export type MessageProblem = 'subject' | 'message' | 'closed';

export class SecureMessageService {
  constructor(
    private readonly deps: {
      db: DbHandle;
      clock: Clock;
      items: ServiceItemService;
      cases: AccountCaseService;
      accounts: AccountService;
    },
  ) {}

  /** The case, when this account may write about it (linked, visible, and the capability allows messages). */
  async #writableCase(accountId: string, receipt: string): Promise<{ id: number; receiptNumber: string } | undefined> {
    const card = await this.deps.cases.card(accountId, receipt);
    if (!card?.features.has('secure_messages')) return undefined;
    return { id: card.caseId, receiptNumber: card.view.receiptNumber };
  }

  /** The receipt numbers of the cases the account sees (its active links: one query, not a case card each). */
  async #linkedReceipts(accountId: string): Promise<Set<string>> {
    return new Set((await this.deps.cases.list(accountId)).map((c) => c.receipt_number));
  }

  async mayWrite(accountId: string, receipt: string): Promise<boolean> {
    return Boolean(await this.#writableCase(accountId, receipt));
  }

  /** The account's threads, newest activity first; for one case when a receipt number is given. */
  async threads(accountId: string, receipt?: string): Promise<ThreadSummary[]> {
    const rows = await secureMessageThreadsOf(this.deps.db, accountId, receipt);
    // Threads about a case the account no longer sees (a link suspended for a Section 1367 review) are left out.
    const visible = await this.#linkedReceipts(accountId);
    return rows
      .filter((r) => !r.receipt_number || visible.has(r.receipt_number))
      .map((r) => ({
        number: String(r.number),
        subject: r.subject,
        receiptNumber: r.receipt_number,
        status: r.status,
        createdAt: r.created_at,
        lastAt: r.last_at ?? r.created_at,
        answered: r.last_kind === 'reply',
        unread: r.last_answer_at !== null && (r.customer_read_at === null || r.last_answer_at > r.customer_read_at),
      }))
      .sort((a, b) => b.lastAt.getTime() - a.lastAt.getTime());
  }

  /** A new thread about a case: a routed service item whose description is the first message. */
  async start(
    accountId: string,
    receipt: string,
    input: { subject: string; message: string },
    submission?: string,
  ): Promise<{ ok: true; number: string } | { ok: false; problem: MessageProblem | 'not_found' }> {
    // A second post of the form's one-time token answers the thread the first one started (platform/submissions.ts).
    const once = await submitOnce(
      this.deps.db,
      { token: submission, form: `account/messages/${accountId}`, now: this.deps.clock.now() },
      (record) => this.#start(accountId, receipt, input, record),
    );
    return 'repeated' in once ? { ok: true, number: once.repeated } : once;
  }

  async #start(
    accountId: string,
    receipt: string,
    input: { subject: string; message: string },
    record: RecordSubmission,
  ): Promise<{ ok: true; number: string } | { ok: false; problem: MessageProblem | 'not_found' }> {
    const c = await this.#writableCase(accountId, receipt);
    if (!c) return { ok: false, problem: 'not_found' };
    const subject = input.subject.trim();
    const message = input.message.trim();
    if (!subject || subject.length > MAX_SUBJECT) return { ok: false, problem: 'subject' };
    if (!message || message.length > MAX_MESSAGE) return { ok: false, problem: 'message' };
    const account = (await this.deps.accounts.findAccount(accountId))!;
    const name = [account.given_name, account.family_name].filter(Boolean).join(' ') || account.email;
    const item = await inTransaction(this.deps.db, async (trx) => {
      const { item: made } = await this.deps.items.createRouted(
        {
          channel: 'secure_message',
          type: 'secure_message',
          accountId,
          contact: { name, email: account.email },
          language: account.language,
          subject,
          description: message,
          caseId: c.id,
          receiptNumber: c.receiptNumber,
        },
        trx,
      );
      await record(trx, String(made.number));
      return made;
    });
    return { ok: true, number: String(item.number) };
  }

  /** A thread of this account: its subject, case and the visible messages, oldest first. */
  async thread(
    accountId: string,
    number: string,
  ): Promise<{ item: ServiceItemRow; messages: ThreadMessage[]; open: boolean; question: string | null } | undefined> {
    const item = await this.deps.items.byNumber(number);
    if (!item || item.account_id !== accountId || item.channel !== 'secure_message') return undefined;
    // A thread about a case is read only while the case is the account's (a link suspended for a Section 1367 review
    // gives nothing, docs/section-1367.md).
    if (item.receipt_number && !(await this.#linkedReceipts(accountId)).has(item.receipt_number)) return undefined;
    const events = (await this.deps.items.timeline(item.id)).filter(
      (e) => e.customer_visible && ['created', 'reply', 'question', 'customer_message'].includes(e.kind),
    );
    // question: what the agency asked while its clock waits on the person (issue 15 point 10).
    const messages: ThreadMessage[] = events.map((e) => ({
      from: e.kind === 'reply' || e.kind === 'question' ? 'agency' : 'customer',
      at: e.occurred_at,
      body: e.kind === 'created' ? item.description : (e.body ?? ''),
    }));
    // While the clock waits on the person, the question is also shown above the answer form.
    const last = events.at(-1);
    const question = item.sla_paused_at && last?.kind === 'question' ? last.body : null;
    return { item, messages, open: item.status !== 'resolved' && item.status !== 'closed', question };
  }

  /** The person opens a thread: what `thread` gives, and every answer in it is read from now on. */
  async open(accountId: string, number: string): ReturnType<SecureMessageService['thread']> {
    const found = await this.thread(accountId, number);
    if (found) await markThreadRead(this.deps.db, found.item.id, this.deps.clock.now());
    return found;
  }

  /** The person answers in a thread; a clock paused while waiting on them starts again. */
  async reply(
    accountId: string,
    number: string,
    message: string,
  ): Promise<{ ok: true } | { ok: false; problem: MessageProblem | 'not_found' }> {
    const found = await this.thread(accountId, number);
    if (!found) return { ok: false, problem: 'not_found' };
    const text = message.trim();
    if (!text || text.length > MAX_MESSAGE) return { ok: false, problem: 'message' };
    // Read again, locked, inside the transaction: an agent may have resolved the thread or restarted its clock since.
    return inTransaction(this.deps.db, async (trx) => {
      const done = await this.deps.items.customerAnswer(found.item.id, { accountId, body: text }, trx);
      return done === 'ok' ? ({ ok: true } as const) : ({ ok: false, problem: 'closed' } as const);
    });
  }
}
