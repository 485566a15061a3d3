import type { Clock } from '../../../platform/clock.js';
import { inTransaction, type DbHandle } from '../../../platform/db/database.js';
import type { AccountPhoneRow, AccountRow, RepresentativeProfileRow } from '../tables.js';
import type { Language } from '../../../platform/i18n/index.js';
import type { Random } from '../../../platform/random.js';
import { sha256 } from '../../../platform/hashing.js';
import type { NotificationService } from '../../notifications/index.js';
import {
  emailUsedByAnotherAccount,
  findRepresentativeProfile,
  listVerifiedPhones,
  saveRepresentativeProfile,
  voidTokens,
  type AddressPurpose,
} from './profile-repository.js';
import {
  consumeToken,
  countSecurityEventsSince,
  findAccountById,
  findUsableToken,
  insertToken,
  recordSecurityEvent,
  updateAccount,
} from '../repository.js';
import {
  calendarDay,
  nameSchema,
  parseRepresentativeProfile,
  type Problem,
  type RepresentativeForm,
} from './representatives.js';
import { EMAIL_LINK_TTL_MS, emailSchema } from '../service.js';

/**
 * Profile and settings (issue 3 item 7, ACC-8): the legal name, the representative profile (item 1), a new
 * primary email and a recovery email (each verified by a single-use link sent to the new address, ACC-5), the
 * language of emails and texts, and how the person wants to be notified. No HTTP here; routes.profile.ts calls it.
 *
 * Every change records a security event; a change of email or recovery email also sends a notice to the
 * account's (old) primary address. Asking for a new email never reveals whether another account uses it.
 */

/** At most this many address-verification links per account and kind an hour (each one emails someone). */
export const ADDRESS_LINKS_PER_HOUR = 5;

/** The email each address link goes out with, and the page it opens. */
const ADDRESS_LINKS = {
  change_email: { template: 'confirm_new_email', path: '/account/settings/email/confirm' },
  add_recovery_email: { template: 'confirm_recovery_email', path: '/account/settings/recovery-email/confirm' },
} as const;

export interface ProfileDeps {
  db: DbHandle;
  clock: Clock;
  random: Random;
  notifications: NotificationService;
  publicUrl: string;
  /** The agency's time zone: "in the future" for an accreditation means after today there. */
  timeZone: string;
}

export type RepresentativeStatus = 'not_representative' | 'missing' | 'expired' | 'complete';

export interface ProfileOverview {
  account: AccountRow;
  representative?: RepresentativeProfileRow;
  verifiedPhones: AccountPhoneRow[];
}

export type ChangeResult = { ok: true } | { ok: false; problems: Problem[] };

/** "a•••@example.com": enough for the owner to recognize an address in a notice, not a copy of it. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at < 1) return '•••';
  return `${email[0]}•••${email.slice(at)}`;
}

export class ProfileService {
  constructor(private readonly deps: ProfileDeps) {}

  async overview(accountId: string): Promise<ProfileOverview | undefined> {
    const { db } = this.deps;
    const account = await findAccountById(db, accountId);
    if (!account) return undefined;
    const [representative, verifiedPhones] = await Promise.all([
      account.kind === 'representative' ? findRepresentativeProfile(db, accountId) : undefined,
      listVerifiedPhones(db, accountId),
    ]);
    return { account, representative, verifiedPhones };
  }

  /** The agency's calendar day today ('YYYY-MM-DD'). */
  today(): string {
    return calendarDay(this.deps.clock.now(), this.deps.timeZone);
  }

  /**
   * Whether a representative account may go on to its pages: it must have a profile, and an accredited
   * representative's accreditation must not have expired. Other accounts have nothing to complete.
   */
  async representativeStatus(accountId: string): Promise<RepresentativeStatus> {
    const account = await findAccountById(this.deps.db, accountId);
    if (account?.kind !== 'representative') return 'not_representative';
    const profile = await findRepresentativeProfile(this.deps.db, accountId);
    if (!profile) return 'missing';
    if (profile.accreditation_expires_on && profile.accreditation_expires_on <= this.today()) return 'expired';
    return 'complete';
  }

  async updateName(
    accountId: string,
    form: { given_name: string; middle_name: string; family_name: string },
    ip?: string,
  ): Promise<ChangeResult> {
    const parsed = nameSchema.safeParse(form);
    if (!parsed.success)
      return { ok: false, problems: parsed.error.issues.map((i) => ({ field: String(i.path[0]), code: i.message })) };
    const { given_name, middle_name, family_name } = parsed.data;
    await inTransaction(this.deps.db, async (trx) => {
      await updateAccount(trx, accountId, { given_name, middle_name: middle_name || null, family_name });
      await recordSecurityEvent(trx, { accountId, kind: 'name_changed', at: this.deps.clock.now(), ip });
    });
    return { ok: true };
  }

  /** Saves the representative profile (with the name on the account) of a representative account. */
  async saveRepresentativeProfile(accountId: string, form: RepresentativeForm, ip?: string): Promise<ChangeResult> {
    const parsed = parseRepresentativeProfile(form, this.today());
    if (!parsed.ok) return parsed;
    const v = parsed.value;
    const now = this.deps.clock.now();
    return inTransaction(this.deps.db, async (trx) => {
      const account = await findAccountById(trx, accountId);
      if (account?.kind !== 'representative')
        return { ok: false, problems: [{ field: 'role', code: 'not_representative' }] };
      await updateAccount(trx, accountId, {
        given_name: v.name.given_name,
        middle_name: v.name.middle_name || null,
        family_name: v.name.family_name,
      });
      await saveRepresentativeProfile(trx, {
        account_id: accountId,
        role: v.role,
        bar_state: v.barState,
        bar_number: v.barNumber,
        recognized_organization: v.recognizedOrganization,
        accreditation_expires_on: v.accreditationExpiresOn,
        firm_name: v.firmName,
        street1: v.street1,
        street2: v.street2,
        city: v.city,
        state: v.state,
        zip: v.zip,
        phone_e164: v.phoneE164,
        created_at: now,
        updated_at: now,
      });
      await recordSecurityEvent(trx, {
        accountId,
        kind: 'representative_profile_saved',
        at: now,
        ip,
        details: { role: v.role },
      });
      return { ok: true } as const;
    });
  }

  /**
   * Asks for a new primary email. A link goes to the new address (24 hours, single use); nothing changes until
   * it is used. When another account already uses the address, that address gets a notice instead of a link, and
   * the answer here is the same, so the page never tells whether an address has an account.
   */
  async requestEmailChange(accountId: string, raw: string, ip?: string): Promise<ChangeResult> {
    const { db, clock, notifications, publicUrl } = this.deps;
    const email = emailSchema.safeParse(raw);
    if (!email.success) return { ok: false, problems: [{ field: 'email', code: raw.trim() ? 'invalid' : 'required' }] };
    const now = clock.now();
    return inTransaction(db, async (trx) => {
      const account = await findAccountById(trx, accountId);
      if (!account) return { ok: false, problems: [{ field: 'email', code: 'invalid' }] };
      if (email.data === account.email) return { ok: false, problems: [{ field: 'email', code: 'same' }] };
      const ask = { event: 'email_change_requested', purpose: 'change_email' } as const;
      if (!(await this.#mayAskForLink(trx, accountId, ask, now, ip)))
        return { ok: false, problems: [{ field: 'email', code: 'too_many' }] };
      if (await emailUsedByAnotherAccount(trx, email.data, accountId)) {
        await notifications.queueEmail(trx, {
          to: email.data,
          template: 'email_in_use',
          language: account.language,
          params: { link: `${publicUrl}/account/sign-in` },
        });
        return { ok: true } as const;
      }
      await this.#sendAddressLink(trx, account, 'change_email', email.data, now);
      return { ok: true } as const;
    });
  }

  /**
   * Whether the account may have another link of this kind sent (ADDRESS_LINKS_PER_HOUR): if so, the request is
   * recorded and the links sent before stop working.
   */
  async #mayAskForLink(
    trx: DbHandle,
    accountId: string,
    ask: { event: 'email_change_requested' | 'recovery_email_requested'; purpose: AddressPurpose },
    now: Date,
    ip: string | undefined,
  ): Promise<boolean> {
    const recent = await countSecurityEventsSince(trx, accountId, ask.event, new Date(now.getTime() - 3600_000));
    if (recent.count >= ADDRESS_LINKS_PER_HOUR) return false;
    await voidTokens(trx, accountId, ask.purpose, now);
    await recordSecurityEvent(trx, { accountId, kind: ask.event, at: now, ip });
    return true;
  }

  /** A link (24 hours, single use) to the address it confirms, from the settings page that asked for it. */
  async #sendAddressLink(trx: DbHandle, account: AccountRow, purpose: AddressPurpose, address: string, now: Date) {
    const { template, path } = ADDRESS_LINKS[purpose];
    const token = this.deps.random.token(32);
    await insertToken(trx, token, { account_id: account.id, purpose, address }, now, EMAIL_LINK_TTL_MS);
    await this.deps.notifications.queueEmail(trx, {
      to: address,
      template,
      language: account.language,
      params: { link: `${this.deps.publicUrl}${path}?token=${encodeURIComponent(token)}` },
    });
  }

  /** The address a change-of-email link would set, while the link is usable. */
  async emailChangeLink(token: string): Promise<string | undefined> {
    const link = await findUsableToken(this.deps.db, sha256(token), 'change_email', this.deps.clock.now());
    return link?.address ?? undefined;
  }

  /**
   * Uses a change-of-email link (once): the account's email becomes the verified new address and the old address
   * gets a notice. 'taken' when another account took the address since the link was sent (whoever holds the
   * link controls that address, so saying so reveals nothing to a stranger).
   */
  async confirmEmailChange(token: string, ip?: string): Promise<'changed' | 'invalid' | 'taken'> {
    const { db, clock, notifications } = this.deps;
    const now = clock.now();
    const change = inTransaction(db, async (trx) => {
      const used = await consumeToken(trx, sha256(token), 'change_email', now);
      if (!used?.address) return 'invalid' as const;
      const account = await findAccountById(trx, used.account_id);
      if (!account) return 'invalid' as const;
      if (await emailUsedByAnotherAccount(trx, used.address, account.id)) return 'taken' as const;
      // A recovery email equal to the new primary one would add nothing: it is dropped.
      const recovery =
        account.recovery_email === used.address ? { recovery_email: null, recovery_email_verified_at: null } : {};
      await updateAccount(trx, account.id, { email: used.address, email_verified_at: now, ...recovery });
      await voidTokens(trx, account.id, 'change_email', now);
      await recordSecurityEvent(trx, { accountId: account.id, kind: 'email_changed', at: now, ip });
      await notifications.queueEmail(trx, {
        to: account.email,
        template: 'email_changed',
        language: account.language,
        params: { email: maskEmail(used.address) },
      });
      return 'changed' as const;
    });
    // Another account took the address between the check and the update (the unique constraint decides).
    return change.catch((error: unknown) => {
      if ((error as { constraint?: string }).constraint === 'accounts_email_key') return 'taken' as const;
      throw error;
    });
  }

  /**
   * Asks to add (or replace) the recovery email: a link goes to it (24 hours, single use), and it is used for
   * password resets only once verified.
   */
  async requestRecoveryEmail(accountId: string, raw: string, ip?: string): Promise<ChangeResult> {
    const { db, clock } = this.deps;
    const email = emailSchema.safeParse(raw);
    if (!email.success)
      return { ok: false, problems: [{ field: 'recovery_email', code: raw.trim() ? 'invalid' : 'required' }] };
    const now = clock.now();
    return inTransaction(db, async (trx) => {
      const account = await findAccountById(trx, accountId);
      if (!account) return { ok: false, problems: [{ field: 'recovery_email', code: 'invalid' }] };
      if (email.data === account.email)
        return { ok: false, problems: [{ field: 'recovery_email', code: 'same_as_primary' }] };
      if (email.data === account.recovery_email)
        return { ok: false, problems: [{ field: 'recovery_email', code: 'same' }] };
      const ask = { event: 'recovery_email_requested', purpose: 'add_recovery_email' } as const;
      if (!(await this.#mayAskForLink(trx, accountId, ask, now, ip)))
        return { ok: false, problems: [{ field: 'recovery_email', code: 'too_many' }] };
      await this.#sendAddressLink(trx, account, 'add_recovery_email', email.data, now);
      return { ok: true } as const;
    });
  }

  async recoveryEmailLink(token: string): Promise<string | undefined> {
    const link = await findUsableToken(this.deps.db, sha256(token), 'add_recovery_email', this.deps.clock.now());
    return link?.address ?? undefined;
  }

  /** Uses a recovery-email link (once): the address becomes the verified recovery email; the primary is told. */
  async confirmRecoveryEmail(token: string, ip?: string): Promise<'added' | 'invalid'> {
    const { db, clock, notifications, publicUrl } = this.deps;
    const now = clock.now();
    return inTransaction(db, async (trx) => {
      const used = await consumeToken(trx, sha256(token), 'add_recovery_email', now);
      if (!used?.address) return 'invalid';
      const account = await findAccountById(trx, used.account_id);
      // The primary email changed to this very address since the link was sent: nothing to add.
      if (!account || account.email === used.address) return 'invalid';
      await updateAccount(trx, account.id, { recovery_email: used.address, recovery_email_verified_at: now });
      await voidTokens(trx, account.id, 'add_recovery_email', now);
      await recordSecurityEvent(trx, {
        accountId: account.id,
        kind: account.recovery_email ? 'recovery_email_changed' : 'recovery_email_added',
        at: now,
        ip,
      });
      await notifications.queueEmail(trx, {
        to: account.email,
        template: 'recovery_email_added',
        language: account.language,
        params: { email: maskEmail(used.address), link: `${publicUrl}/account/settings` },
      });
      return 'added';
    });
  }

  async removeRecoveryEmail(accountId: string, ip?: string): Promise<void> {
    const { db, clock, notifications, publicUrl } = this.deps;
    const now = clock.now();
    await inTransaction(db, async (trx) => {
      const account = await findAccountById(trx, accountId);
      if (!account?.recovery_email) return;
      await updateAccount(trx, accountId, { recovery_email: null, recovery_email_verified_at: null });
      await voidTokens(trx, accountId, 'add_recovery_email', now);
      await recordSecurityEvent(trx, { accountId, kind: 'recovery_email_removed', at: now, ip });
      await notifications.queueEmail(trx, {
        to: account.email,
        template: 'recovery_email_removed',
        language: account.language,
        params: { link: `${publicUrl}/account/settings` },
      });
    });
  }

  /** The language of the account's emails and texts. */
  async setLanguage(accountId: string, language: Language, ip?: string): Promise<void> {
    await inTransaction(this.deps.db, async (trx) => {
      await updateAccount(trx, accountId, { language });
      await recordSecurityEvent(trx, {
        accountId,
        kind: 'language_changed',
        at: this.deps.clock.now(),
        ip,
        details: { language },
      });
    });
  }

  /**
   * How the person wants to be notified: by email, by text, or both (at least one). Text needs a verified phone
   * number (texts go to the account's verified numbers).
   */
  async setNotificationPreferences(
    accountId: string,
    choice: { email: boolean; text: boolean },
    ip?: string,
  ): Promise<ChangeResult> {
    if (!choice.email && !choice.text) return { ok: false, problems: [{ field: 'notify', code: 'none' }] };
    return inTransaction(this.deps.db, async (trx) => {
      if (choice.text && (await listVerifiedPhones(trx, accountId)).length === 0)
        return { ok: false, problems: [{ field: 'notify', code: 'no_phone' }] };
      await updateAccount(trx, accountId, { notify_by_email: choice.email, notify_by_text: choice.text });
      await recordSecurityEvent(trx, {
        accountId,
        kind: 'notification_preferences_changed',
        at: this.deps.clock.now(),
        ip,
        details: choice,
      });
      return { ok: true } as const;
    });
  }
}
