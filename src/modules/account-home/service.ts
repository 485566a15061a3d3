import type { DbHandle } from '../../platform/db/database.js';
import type { AccountService } from '../accounts/index.js';
import { twoStepSummary } from '../accounts/index.js';
import type { AccountCaseService } from '../account-cases/index.js';
import type { SecureMessageService } from '../secure-messages/index.js';

/**
 * The account home as a dashboard (ACC-8, issue 15 item 1): what needs the person first (an open Request for
 * Evidence, an appointment to come, unread answers to their messages, backup codes running out), then each case with its
 * status and last update. Composition only: each owner module answers through its index.ts, with the same calls
 * its own pages use, so a case the person may not see (Section 1367, a suspended link, another person's case) is
 * not shown here either. No SQL here.
 */

/** A biometrics or interview appointment still to come (the case's events give its time and place). */
export type UpcomingAppointment = NonNullable<Awaited<ReturnType<AccountCaseService['upcomingAppointment']>>>;

/**
 * What the home asks of the cases of an account (`AccountCaseService`): the list and the card, as My cases and the
 * case card ask, and a case's next appointment.
 */
export interface CasesOfAccount {
  list: AccountCaseService['list'];
  card: AccountCaseService['card'];
  upcomingAppointment: AccountCaseService['upcomingAppointment'];
}

/** When this few unused backup codes are left, the home asks the person to get new ones. */
export const FEW_BACKUP_CODES = 2;

export interface HomeCase {
  receiptNumber: string;
  formCode: string;
  status: { en: string; es: string };
  /** The last update of the case (its current status's date). */
  updatedAt: Date;
  openRfe?: { sentAt: Date; responseDue: string; overdue: boolean };
  appointment?: UpcomingAppointment;
}

export interface AnsweredThread {
  number: string;
  subject: string;
  receiptNumber: string | null;
  at: Date;
}

export interface AccountHome {
  /** The person's given name (or full legal name) when the profile has one; never the email address. */
  name?: string;
  /** The account's email address: shown with the account's details, never as the greeting. */
  email: string;
  onlineAccountNumber: string;
  cases: HomeCase[];
  /** Threads with an answer or a question from the agency the person has not read yet (opened the thread since). */
  answered: AnsweredThread[];
  /** Unused backup codes, when so few are left that new ones are needed. */
  fewBackupCodes?: number;
}

export interface ActionNeeded {
  rfes: HomeCase[];
  appointments: HomeCase[];
  answered: AnsweredThread[];
  fewBackupCodes?: number;
}

export class AccountHomeService {
  constructor(
    private readonly deps: {
      db: DbHandle;
      accounts: Pick<AccountService, 'findAccount'>;
      cases: CasesOfAccount;
      messages: Pick<SecureMessageService, 'threads'>;
    },
  ) {}

  async home(accountId: string): Promise<AccountHome | undefined> {
    const account = await this.deps.accounts.findAccount(accountId);
    if (!account) return undefined;
    const [cases, threads, twoStep] = await Promise.all([
      this.#cases(accountId),
      this.deps.messages.threads(accountId),
      twoStepSummary(this.deps.db, accountId),
    ]);
    const name = account.given_name?.trim() || undefined;
    // Only an account that signs in with a second step needs backup codes (every such account got ten).
    const usesTwoStep = twoStep.authenticator || twoStep.phones > 0 || twoStep.passkeys > 0;
    return {
      ...(name ? { name } : {}),
      email: account.email,
      onlineAccountNumber: account.online_account_number,
      cases,
      // Only what the person has not read yet: opening the thread reads it (secure-messages).
      answered: threads
        .filter((th) => th.unread)
        .map((th) => ({ number: th.number, subject: th.subject, receiptNumber: th.receiptNumber, at: th.lastAt })),
      ...(usesTwoStep && twoStep.backupCodes <= FEW_BACKUP_CODES ? { fewBackupCodes: twoStep.backupCodes } : {}),
    };
  }

  /** The account's cases as My cases lists them, each read through its case card (which refuses what may not be seen). */
  async #cases(accountId: string): Promise<HomeCase[]> {
    const linked = await this.deps.cases.list(accountId);
    const cards = await Promise.all(
      linked.map(async (c): Promise<HomeCase | undefined> => {
        const card = await this.deps.cases.card(accountId, c.receipt_number);
        if (!card) return undefined;
        const appointment = await this.deps.cases.upcomingAppointment(accountId, c.receipt_number);
        return {
          receiptNumber: card.view.receiptNumber,
          formCode: card.view.formCode,
          status: card.view.current.title,
          updatedAt: card.view.current.at,
          ...(card.openRfe ? { openRfe: card.openRfe } : {}),
          ...(appointment ? { appointment } : {}),
        };
      }),
    );
    return cards.filter((c): c is HomeCase => c !== undefined);
  }
}

/** "Action needed", most pressing first: Requests for Evidence by deadline, appointments by time, then the rest. */
export function actionNeeded(home: AccountHome): ActionNeeded {
  return {
    rfes: home.cases
      .filter((c) => c.openRfe)
      .sort((a, b) => a.openRfe!.responseDue.localeCompare(b.openRfe!.responseDue)),
    appointments: home.cases
      .filter((c) => c.appointment)
      .sort((a, b) => a.appointment!.at.getTime() - b.appointment!.at.getTime()),
    answered: home.answered,
    ...(home.fewBackupCodes !== undefined ? { fewBackupCodes: home.fewBackupCodes } : {}),
  };
}
