import type { Clock } from '../../platform/clock.js';
import { inTransaction, type DbHandle } from '../../platform/db/database.js';
import { longDate } from '../../platform/format.js';
import type { Language } from '../../platform/i18n/index.js';
import type { Random } from '../../platform/random.js';
import {
  validateAddress,
  type Address,
  type AddressFieldError,
  type AddressFields,
} from '../../platform/us-address.js';
import { notificationRecipients } from '../accounts/index.js';
import { casesForAddressChange } from '../account-cases/index.js';
import { mayChangeAddressOnline } from '../cases/index.js';
import type { NotificationService } from '../notifications/index.js';
import * as repo from './repository.js';
import type { AddressChangeStatus } from './tables.js';

/**
 * Change of address (issue 17 point 4; COA-1 to COA-3, ACC-8). One place to update the mailing and physical
 * addresses of every case the account holds as its applicant, at once, each case with its own status:
 * `submitted` (saved, offered to the agency's systems by the feed), `recorded` (an agency system has read it from
 * the feed), `confirmed` or `failed` (the agency's answer, an `address_change_recorded` case event).
 *
 * Who: everyone with an account except the Section 1367 population (COA-1; the rule is the cases module's
 * `mayChangeAddressOnline`). A representative changes only their own address: cases held as a representative are
 * never changed by them (their clients change theirs in their own accounts).
 *
 * What: the mailing address is in the United States or an APO/FPO/DPO address (mail must reach the person through
 * the U.S. Postal Service); the physical address is where the person lives, in the United States or in another
 * country (never an APO/FPO/DPO box). "Same as mailing" copies a U.S. mailing address.
 */

export const MAILING_KINDS = ['us', 'military'] as const;
export const PHYSICAL_KINDS = ['us', 'foreign'] as const;

export interface AddressChangeForm {
  mailing: AddressFields;
  physical: AddressFields;
  /** "My physical address is the same as my mailing address." */
  same: boolean;
}

export interface FormError {
  /** The form's field id: `m_street`, `p_zip`, `same`, ... */
  field: string;
  key: string;
}

export type CheckResult =
  { ok: true; mailing: Address; physical: Address; same: boolean } | { ok: false; errors: FormError[] };

export interface AccountCaseOfChange {
  receiptNumber: string;
  formCode: string;
}

export interface Overview {
  /** COA-1: false for an account holding a Section 1367 case. */
  offered: boolean;
  /** The cases a change applies to (held as applicant). */
  cases: AccountCaseOfChange[];
  /** The cases held as a representative, which a change here never touches. */
  representedCases: AccountCaseOfChange[];
  current?: { mailing: Address; physical: Address; same: boolean; at: Date };
  history: ChangeHistoryEntry[];
}

export interface ChangeHistoryEntry {
  id: string;
  requestedAt: Date;
  mailing: Address;
  physical: Address;
  same: boolean;
  cases: { receiptNumber: string; status: AddressChangeStatus; at: Date; reason: string | null }[];
}

export type SubmitResult =
  | { ok: true; changeId: string; cases: string[] }
  | { ok: false; problem: 'section_1367' }
  | { ok: false; problem: 'invalid'; errors: FormError[] };

/** A change as the agency's systems read it (GET /api/v1/address-changes). */
export interface FeedEntry {
  cursor: string;
  id: string;
  receiptNumber: string;
  mailingAddress: Address;
  physicalAddress: Address;
  requestedAt: string;
  status: AddressChangeStatus;
}

export interface AddressChangeDeps {
  db: DbHandle;
  clock: Clock;
  random: Random;
  notifications: NotificationService;
  publicUrl: string;
  timeZone: string;
}

/** Checks both addresses of the form; problems carry the form's field ids (`m_` mailing, `p_` physical). */
export function checkForm(form: AddressChangeForm): CheckResult {
  const errors: FormError[] = [];
  const prefixed = (prefix: 'm_' | 'p_', list: AddressFieldError[]) =>
    list.map((e) => ({ field: `${prefix}${FIELD_IDS[e.field]}`, key: e.key }));
  const mailing = validateAddress(form.mailing, MAILING_KINDS);
  if (!mailing.ok) errors.push(...prefixed('m_', mailing.errors));
  let physical: Address | undefined;
  if (form.same) {
    // A military address is where mail goes, never where someone lives.
    if (mailing.ok && mailing.address.kind === 'military')
      errors.push({ field: 'same', key: 'address:errors.same_military' });
    else if (mailing.ok) physical = mailing.address;
  } else {
    const p = validateAddress(form.physical, PHYSICAL_KINDS);
    if (p.ok) physical = p.address;
    else errors.push(...prefixed('p_', p.errors));
  }
  if (errors.length || !mailing.ok || !physical) return { ok: false, errors };
  return { ok: true, mailing: mailing.address, physical, same: form.same };
}

/** The form's field names of each address field (the ids error summaries link to). */
export const FIELD_IDS: Record<keyof AddressFields, string> = {
  kind: 'kind',
  inCareOf: 'in_care_of',
  street: 'street',
  unit: 'unit',
  city: 'city',
  state: 'state',
  zip: 'zip',
  region: 'region',
  postalCode: 'postal_code',
  country: 'country',
};

export class AddressChangeService {
  constructor(private readonly deps: AddressChangeDeps) {}

  async #cases(accountId: string) {
    const all = await casesForAddressChange(this.deps.db, accountId);
    const own = all.filter((c) => c.relationship === 'applicant');
    return {
      // COA-1 excludes the Section 1367 population: the applicants of protected cases, not their representatives.
      offered: mayChangeAddressOnline(own.map((c) => ({ section1367: c.section_1367 }))),
      own,
      represented: all.filter((c) => c.relationship === 'representative'),
    };
  }

  /** The page: whether the tool is offered, the cases it changes, the current addresses and the history. */
  async overview(accountId: string): Promise<Overview> {
    const { offered, own, represented } = await this.#cases(accountId);
    const pick = (c: { receipt_number: string; form_code: string }) => ({
      receiptNumber: c.receipt_number,
      formCode: c.form_code,
    });
    if (!offered) return { offered, cases: [], representedCases: [], history: [] };
    const history = await this.history(accountId);
    const latest = history[0];
    return {
      offered,
      cases: own.map(pick),
      representedCases: represented.map(pick),
      history,
      ...(latest
        ? { current: { mailing: latest.mailing, physical: latest.physical, same: latest.same, at: latest.requestedAt } }
        : {}),
    };
  }

  /** COA-3: the account's changes, newest first, each with its status on each case. */
  async history(accountId: string): Promise<ChangeHistoryEntry[]> {
    const changes = await repo.changesOfAccount(this.deps.db, accountId);
    const rows = await repo.casesOfChanges(
      this.deps.db,
      changes.map((c) => c.id),
    );
    return changes.map((c) => ({
      id: c.id,
      requestedAt: c.requested_at,
      mailing: c.mailing,
      physical: c.physical,
      same: c.physical_same,
      cases: rows
        .filter((r) => r.change_id === c.id)
        .map((r) => ({ receiptNumber: r.receipt_number, status: r.status, at: r.status_at, reason: r.reason })),
    }));
  }

  /** Whether the account may use the tool (COA-1). */
  async offered(accountId: string): Promise<boolean> {
    return (await this.#cases(accountId)).offered;
  }

  /**
   * COA-2: saves the change and applies it at once to every case the account holds as applicant (each `submitted`,
   * in the feed for the agency's systems), and emails the account holder, in one transaction. Refused for an account
   * holding a Section 1367 case (COA-1), whatever the form says.
   */
  async submit(
    account: { id: string; email: string; language: Language },
    form: AddressChangeForm,
  ): Promise<SubmitResult> {
    const { offered, own } = await this.#cases(account.id);
    if (!offered) return { ok: false, problem: 'section_1367' };
    const checked = checkForm(form);
    if (!checked.ok) return { ok: false, problem: 'invalid', errors: checked.errors };
    const now = this.deps.clock.now();
    const id = this.deps.random.uuid();
    const receipts = own.map((c) => c.receipt_number);
    await inTransaction(this.deps.db, async (trx) => {
      await repo.insertChange(trx, {
        id,
        accountId: account.id,
        mailing: checked.mailing,
        physical: checked.physical,
        physicalSame: checked.same,
        requestedAt: now,
        cases: own.map((c) => ({ caseId: c.id, receiptNumber: c.receipt_number })),
      });
      const none = account.language === 'es' ? 'ningún caso todavía' : 'no case yet';
      await this.deps.notifications.queueEmail(trx, {
        to: account.email,
        template: 'address_change_received',
        language: account.language,
        params: {
          date: longDate(now, account.language, this.deps.timeZone),
          cases: receipts.length ? receipts.join(', ') : none,
          link: `${this.deps.publicUrl}/account/address`,
        },
      });
    });
    return { ok: true, changeId: id, cases: receipts };
  }

  /**
   * The feed for the agency's systems: each change on each case after `after`, in order, at most `limit`. What is
   * read is recorded there: rows still `submitted` become `recorded`.
   */
  async feed(after: number, limit: number): Promise<{ changes: FeedEntry[]; next?: string }> {
    return inTransaction(this.deps.db, async (trx) => {
      const rows = await repo.feedAfter(trx, after, limit);
      await repo.markRecorded(
        trx,
        rows.filter((r) => r.status === 'submitted').map((r) => r.seq),
        this.deps.clock.now(),
      );
      const changes = rows.map((r) => ({
        cursor: String(r.seq),
        id: r.id,
        receiptNumber: r.receipt_number,
        mailingAddress: r.mailing,
        physicalAddress: r.physical,
        requestedAt: r.requested_at.toISOString(),
        status: r.status === 'submitted' ? ('recorded' as const) : r.status,
      }));
      const last = changes.at(-1);
      return changes.length === limit && last ? { changes, next: last.cursor } : { changes };
    });
  }

  /** The changes that reached a case (the agent console's address history), newest first. */
  async historyOfCase(caseId: number) {
    return repo.changesOfCase(this.deps.db, caseId);
  }
}

/** The agency's answer for a change on a case, from an `address_change_recorded` case event. */
export interface AgencyAnswer {
  changeId: string;
  caseId: number;
  receiptNumber: string;
  accepted: boolean;
  reason?: string;
  at: Date;
}

/**
 * Applies the agency's answers (case events, in the events' transaction): the change's status on the case becomes
 * `confirmed` or `failed`. The account holder is emailed when a change failed on a case, with the agency's reason.
 * A change id the case never had changes nothing. Answers how many statuses changed.
 */
export async function applyAgencyAnswers(
  trx: DbHandle,
  answers: AgencyAnswer[],
  deps: { notifications: NotificationService; publicUrl: string; timeZone: string },
): Promise<number> {
  let changed = 0;
  const ordered = [...answers].sort((a, b) => a.at.getTime() - b.at.getTime());
  for (const a of ordered) {
    const updated = await repo.answer(trx, {
      changeId: a.changeId,
      caseId: a.caseId,
      status: a.accepted ? 'confirmed' : 'failed',
      ...(a.reason ? { reason: a.reason } : {}),
      at: a.at,
    });
    if (!updated) continue;
    changed++;
    if (a.accepted) continue;
    const change = await repo.changeById(trx, a.changeId);
    const holder = change && (await notificationRecipients(trx, [change.account_id])).get(change.account_id);
    if (!change || !holder) continue;
    await deps.notifications.queueEmail(trx, {
      to: holder.email,
      template: 'address_change_failed',
      language: holder.language,
      params: {
        receipt: a.receiptNumber,
        date: longDate(change.requested_at, holder.language, deps.timeZone),
        reason: a.reason ?? (holder.language === 'es' ? 'no se dio un motivo.' : 'no reason was given.'),
        link: `${deps.publicUrl}/account/address`,
      },
    });
  }
  return changed;
}
