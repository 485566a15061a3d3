import { parsePhoneNumberFromString } from 'libphonenumber-js';
import type { Clock } from '../../../platform/clock.js';
import { inTransaction, type DbHandle } from '../../../platform/db/database.js';
import type { AccountPasskeyRow, AccountPhoneRow, AccountRow } from '../tables.js';
import type { I18n } from '../../../platform/i18n/index.js';
import type { Random } from '../../../platform/random.js';
import type { NotificationService } from '../../notifications/index.js';
import {
  hashOneTimeCode,
  maskEmail,
  maskPhone,
  newOneTimeCode,
  nextCodeAllowedAt,
  ONE_TIME_CODE_TTL_MS,
  type CodeChannel,
  type CodePurpose,
  type SendCodeResult,
} from './one-time-codes.js';
import type { PasskeyService } from './passkeys.js';
import { PASSKEY_NAME_MAX } from './passkeys.js';
import { countUnusedBackupCodes, findAccountById, findTotp, recordSecurityEvent } from '../repository.js';
import { otpLockedUntil, recordOtpFailure, type AccountService } from '../service.js';
import {
  codeSendTimesSince,
  deletePasskey,
  findLiveOneTimeCode,
  deletePhone,
  deleteTotp,
  deleteUnverifiedPhonesBefore,
  disableEmailOtp,
  enableEmailOtp,
  findEmailOtp,
  findPhone,
  insertPhone,
  listPasskeys,
  listPhones,
  renamePasskey,
  replaceOneTimeCode,
  updatePhone,
  useOneTimeCode,
} from './two-step-repository.js';

/**
 * Two-step verification methods (ACC-3, ACC-4): what an account has, adding a phone (text-message codes) or email
 * codes (each confirmed with a code), passkeys (passkeys.ts), removing a method (never the last), renaming a
 * passkey, a new set of backup codes. Every change made by a signed-in person is a security event and an email
 * notice. The authenticator app itself is AccountService's (service.ts).
 *
 * Strength order, strongest first (offered first at sign-in): passkey, authenticator app, text message, email.
 */
export const METHOD_ORDER = ['passkey', 'totp', 'sms', 'email'] as const;
export type MethodKind = (typeof METHOD_ORDER)[number];
export const PHONE_LABEL_MAX = 40;
/** An unverified number is forgotten after a day (the person can add it again). */
const UNVERIFIED_PHONE_TTL_MS = 24 * 3600_000;

export interface TwoStepDeps {
  db: DbHandle;
  clock: Clock;
  random: Random;
  i18n: I18n;
  notifications: NotificationService;
  publicUrl: string;
  accounts: AccountService;
  passkeys: PasskeyService;
}

/** One way the account can give its second factor, as the sign-in step offers it. */
export type SecondStepOption =
  | { method: 'passkey' }
  | { method: 'totp' }
  | { method: 'sms'; phoneId: string; masked: string }
  | { method: 'email'; masked: string };

export interface MethodsOverview {
  passkeys: AccountPasskeyRow[];
  totp?: { confirmedAt: Date };
  phones: AccountPhoneRow[];
  email?: { address: string; enabledAt: Date };
  backupCodesLeft: number;
  count: number;
}

export type PhoneProblem = 'required' | 'invalid' | 'duplicate' | 'label_too_long';

/** Parses a number as people type it (US by default) into E.164, or answers why it cannot be used. */
export function parsePhone(raw: string): { ok: true; e164: string } | { ok: false; problem: 'required' | 'invalid' } {
  const text = raw.trim();
  if (!text) return { ok: false, problem: 'required' };
  if (text.length > 40 || !/^[\d\s()+.-]+$/.test(text)) return { ok: false, problem: 'invalid' };
  const parsed = parsePhoneNumberFromString(text, { defaultCountry: 'US', extract: false });
  if (!parsed || !parsed.isValid()) return { ok: false, problem: 'invalid' };
  return { ok: true, e164: parsed.number };
}

export type CodeCheck =
  { ok: true } | { ok: false; reason: 'invalid' } | { ok: false; reason: 'locked'; retryAt: Date };

export class TwoStepService {
  constructor(private readonly deps: TwoStepDeps) {}

  async overview(accountId: string): Promise<MethodsOverview> {
    const { db } = this.deps;
    const [passkeys, totp, phones, emailOtp, account, backupCodesLeft] = await Promise.all([
      listPasskeys(db, accountId),
      findTotp(db, accountId),
      listPhones(db, accountId),
      findEmailOtp(db, accountId),
      findAccountById(db, accountId),
      countUnusedBackupCodes(db, accountId),
    ]);
    const verified = phones.filter((p) => p.verified_at);
    const overview: MethodsOverview = {
      passkeys,
      totp: totp?.confirmed_at ? { confirmedAt: totp.confirmed_at } : undefined,
      phones: verified,
      email: emailOtp && account ? { address: account.email, enabledAt: emailOtp.enabled_at } : undefined,
      backupCodesLeft,
      count: 0,
    };
    overview.count = passkeys.length + (overview.totp ? 1 : 0) + verified.length + (overview.email ? 1 : 0);
    return overview;
  }

  /** The account's methods for the second step, strongest first. */
  async secondStepOptions(accountId: string): Promise<SecondStepOption[]> {
    const o = await this.overview(accountId);
    const options: SecondStepOption[] = [];
    if (o.passkeys.length) options.push({ method: 'passkey' });
    if (o.totp) options.push({ method: 'totp' });
    for (const phone of o.phones) options.push({ method: 'sms', phoneId: phone.id, masked: maskPhone(phone.e164) });
    if (o.email) options.push({ method: 'email', masked: maskEmail(o.email.address) });
    return options;
  }

  /**
   * Sends a code (replacing any live one) by text to one of the account's numbers or by email to the account's
   * address, within the resend limits and unless two-step verification is locked.
   */
  async sendCode(
    accountId: string,
    target: { purpose: CodePurpose; channel: CodeChannel; phoneId?: string },
    ip?: string,
  ): Promise<SendCodeResult | { ok: false; reason: 'unknown' }> {
    const { db, clock, notifications } = this.deps;
    const now = clock.now();
    const account = await findAccountById(db, accountId);
    if (!account) return { ok: false, reason: 'unknown' };
    let phone: AccountPhoneRow | undefined;
    if (target.channel === 'sms') {
      phone = target.phoneId ? await findPhone(db, accountId, { id: target.phoneId }) : undefined;
      // Sign-in codes go to verified numbers only; a verification code to the number being added.
      if (
        !phone ||
        (target.purpose === 'authenticate') !== Boolean(phone.verified_at) ||
        target.purpose === 'verify_email'
      )
        return { ok: false, reason: 'unknown' };
    } else if (target.purpose === 'verify_phone') {
      return { ok: false, reason: 'unknown' };
    } else if (target.purpose === 'authenticate' && !(await findEmailOtp(db, accountId))) {
      return { ok: false, reason: 'unknown' };
    }
    const lockedUntil = await otpLockedUntil(db, accountId, now);
    if (lockedUntil) return { ok: false, reason: 'locked', retryAt: lockedUntil };
    const retryAt = nextCodeAllowedAt(await codeSendTimesSince(db, accountId, new Date(now.getTime() - 3600_000)), now);
    if (retryAt) return { ok: false, reason: 'too_soon', retryAt };
    const code = newOneTimeCode();
    const expiresAt = new Date(now.getTime() + ONE_TIME_CODE_TTL_MS);
    await inTransaction(db, async (trx) => {
      await replaceOneTimeCode(trx, {
        account_id: accountId,
        purpose: target.purpose,
        channel: target.channel,
        phone_id: phone?.id ?? null,
        code_hash: hashOneTimeCode(accountId, code),
        created_at: now,
        expires_at: expiresAt,
        used_at: null,
      });
      await recordSecurityEvent(trx, {
        accountId,
        kind: 'otp_sent',
        at: now,
        ip,
        details: { channel: target.channel, purpose: target.purpose },
      });
      const params = { code, minutes: String(ONE_TIME_CODE_TTL_MS / 60_000) };
      if (phone)
        await notifications.queueSms(trx, {
          to: phone.e164,
          template: 'one_time_code',
          language: account.language,
          params,
        });
      else
        await notifications.queueEmail(trx, {
          to: account.email,
          template: 'one_time_code',
          language: account.language,
          params,
        });
    });
    return { ok: true, expiresAt };
  }

  /** Checks a code sent to confirm a method being added; a wrong one counts toward the shared lockout. */
  async #useSetupCode(
    accountId: string,
    match: { purpose: 'verify_phone' | 'verify_email'; channel: CodeChannel; phoneId?: string },
    code: string,
    ip?: string,
  ): Promise<CodeCheck> {
    const { db, clock } = this.deps;
    const now = clock.now();
    const lockedUntil = await otpLockedUntil(db, accountId, now);
    if (lockedUntil) return { ok: false, reason: 'locked', retryAt: lockedUntil };
    if (await useOneTimeCode(db, accountId, { ...match, codeHash: hashOneTimeCode(accountId, code) }, now))
      return { ok: true };
    return recordOtpFailure(db, accountId, now, ip, { method: match.channel, purpose: match.purpose });
  }

  /** Adds a number (not yet verified) and texts it a code. An unverified number typed again gets a new code. */
  async addPhone(
    accountId: string,
    raw: string,
    label: string,
    ip?: string,
  ): Promise<
    | { ok: false; problem: PhoneProblem }
    | { ok: true; phoneId: string; sent: SendCodeResult | { ok: false; reason: 'unknown' } }
  > {
    const { db, clock, random } = this.deps;
    const parsed = parsePhone(raw);
    if (!parsed.ok) return parsed;
    const cleanLabel = label.trim();
    if (cleanLabel.length > PHONE_LABEL_MAX) return { ok: false, problem: 'label_too_long' };
    const now = clock.now();
    await deleteUnverifiedPhonesBefore(db, accountId, new Date(now.getTime() - UNVERIFIED_PHONE_TTL_MS));
    let phone = await findPhone(db, accountId, { e164: parsed.e164 });
    if (phone?.verified_at) return { ok: false, problem: 'duplicate' };
    if (!phone) {
      phone = {
        id: random.uuid(),
        account_id: accountId,
        e164: parsed.e164,
        label: cleanLabel || null,
        verified_at: null,
        created_at: now,
      };
      await insertPhone(db, phone);
    } else if (cleanLabel) {
      await updatePhone(db, accountId, phone.id, { label: cleanLabel });
    }
    return {
      ok: true,
      phoneId: phone.id,
      sent: await this.sendCode(accountId, { purpose: 'verify_phone', channel: 'sms', phoneId: phone.id }, ip),
    };
  }

  async findPhone(accountId: string, phoneId: string): Promise<AccountPhoneRow | undefined> {
    return findPhone(this.deps.db, accountId, { id: phoneId });
  }

  /** Confirms a number with the code texted to it: it becomes a text-message method. */
  async confirmPhone(accountId: string, phoneId: string, code: string, ip?: string): Promise<CodeCheck> {
    const phone = await findPhone(this.deps.db, accountId, { id: phoneId });
    if (!phone || phone.verified_at) return { ok: false, reason: 'invalid' };
    const check = await this.#useSetupCode(accountId, { purpose: 'verify_phone', channel: 'sms', phoneId }, code, ip);
    if (!check.ok) return check;
    const now = this.deps.clock.now();
    await updatePhone(this.deps.db, accountId, phoneId, { verified_at: now });
    await this.#changed(
      accountId,
      'phone_added',
      { phone: phoneId },
      { key: 'added_phone', params: { phone: maskPhone(phone.e164) } },
      ip,
    );
    return check;
  }

  /** Confirms email codes as a method with the code sent to the account's email. */
  async confirmEmailCodes(accountId: string, code: string, ip?: string): Promise<CodeCheck> {
    const check = await this.#useSetupCode(accountId, { purpose: 'verify_email', channel: 'email' }, code, ip);
    if (!check.ok) return check;
    await enableEmailOtp(this.deps.db, accountId, this.deps.clock.now());
    await this.#changed(accountId, 'email_codes_added', {}, { key: 'added_email' }, ip);
    return check;
  }

  /** The account's live one-time code, if any (which channel and number; never the code). */
  async liveCode(
    accountId: string,
  ): Promise<{ purpose: CodePurpose; channel: CodeChannel; phoneId: string | null } | undefined> {
    const row = await findLiveOneTimeCode(this.deps.db, accountId, this.deps.clock.now());
    return row ? { purpose: row.purpose, channel: row.channel, phoneId: row.phone_id } : undefined;
  }

  async hasEmailCodes(accountId: string): Promise<boolean> {
    return Boolean(await findEmailOtp(this.deps.db, accountId));
  }

  /** A passkey registered through the browser (see PasskeyService.register), with its notice. */
  async registerPasskey(sessionIdHash: string, accountId: string, responseJson: string, name: string, ip?: string) {
    const result = await this.deps.passkeys.register(sessionIdHash, accountId, responseJson, name, ip);
    if (result.ok)
      await this.#changed(
        accountId,
        undefined,
        {},
        { key: 'added_passkey', params: { name: result.passkey.name } },
        ip,
      );
    return result;
  }

  /** The authenticator app confirmed from the account's settings (sign-up confirms it in AccountService). */
  async authenticatorAdded(accountId: string, ip?: string): Promise<void> {
    await this.#changed(accountId, undefined, {}, { key: 'added_totp' }, ip);
  }

  /** Removes one method, never the last one (backup codes alone are not enough to sign in safely). */
  async remove(
    accountId: string,
    method: MethodKind,
    id: string | undefined,
    ip?: string,
  ): Promise<{ ok: true } | { ok: false; reason: 'last' | 'unknown' }> {
    const { db } = this.deps;
    return inTransaction(db, async (trx) => {
      // Lock the account row so two removals at once cannot both pass the "not the last" check.
      await trx.selectFrom('accounts').select('id').where('id', '=', accountId).forUpdate().execute();
      const o = await this.#overviewIn(trx, accountId);
      const exists =
        method === 'passkey'
          ? o.passkeys.some((p) => p.id === id)
          : method === 'sms'
            ? o.phones.some((p) => p.id === id)
            : method === 'totp'
              ? Boolean(o.totp)
              : Boolean(o.email);
      if (!exists) return { ok: false, reason: 'unknown' } as const;
      if (o.count <= 1) return { ok: false, reason: 'last' } as const;
      let removed = false;
      let notice: { key: string; params?: Record<string, string> } = { key: `removed_${method}` };
      if (method === 'passkey' && id) {
        const passkey = o.passkeys.find((p) => p.id === id);
        removed = Boolean(passkey) && (await deletePasskey(trx, accountId, id));
        notice = { key: 'removed_passkey', params: { name: passkey?.name ?? '' } };
      } else if (method === 'sms' && id) {
        const phone = o.phones.find((p) => p.id === id);
        removed = Boolean(phone) && (await deletePhone(trx, accountId, id));
        notice = { key: 'removed_phone', params: { phone: phone ? maskPhone(phone.e164) : '' } };
      } else if (method === 'totp') removed = await deleteTotp(trx, accountId);
      else if (method === 'email') removed = await disableEmailOtp(trx, accountId);
      if (!removed) return { ok: false, reason: 'unknown' } as const;
      await this.#changed(accountId, 'two_step_method_removed', { method, id }, notice, ip, trx);
      return { ok: true } as const;
    });
  }

  async #overviewIn(db: DbHandle, accountId: string): Promise<MethodsOverview> {
    const [passkeys, totp, phones, emailOtp] = await Promise.all([
      listPasskeys(db, accountId),
      findTotp(db, accountId),
      listPhones(db, accountId),
      findEmailOtp(db, accountId),
    ]);
    const verified = phones.filter((p) => p.verified_at);
    const count = passkeys.length + (totp?.confirmed_at ? 1 : 0) + verified.length + (emailOtp ? 1 : 0);
    return {
      passkeys,
      totp: totp?.confirmed_at ? { confirmedAt: totp.confirmed_at } : undefined,
      phones: verified,
      email: emailOtp ? { address: '', enabledAt: emailOtp.enabled_at } : undefined,
      backupCodesLeft: 0,
      count,
    };
  }

  async renamePasskey(
    accountId: string,
    passkeyId: string,
    rawName: string,
    ip?: string,
  ): Promise<{ ok: true } | { ok: false; problem: 'required' | 'too_long' | 'unknown' }> {
    const name = rawName.trim().replace(/\s+/g, ' ');
    if (!name) return { ok: false, problem: 'required' };
    if (name.length > PASSKEY_NAME_MAX) return { ok: false, problem: 'too_long' };
    const passkey = (await listPasskeys(this.deps.db, accountId)).find((p) => p.id === passkeyId);
    if (!passkey || !(await renamePasskey(this.deps.db, accountId, passkeyId, name)))
      return { ok: false, problem: 'unknown' };
    await this.#changed(
      accountId,
      'passkey_renamed',
      { passkey: passkeyId },
      { key: 'renamed_passkey', params: { old: passkey.name, name } },
      ip,
    );
    return { ok: true };
  }

  /** ACC-4: a new set of backup codes replaces the old one (every old code stops working); shown once. */
  async regenerateBackupCodes(accountId: string, ip?: string): Promise<string[]> {
    return inTransaction(this.deps.db, async (trx) => {
      const codes = await this.deps.accounts.issueBackupCodes(accountId, trx);
      await this.#changed(accountId, 'backup_codes_regenerated', {}, { key: 'backup_codes' }, ip, trx);
      return codes;
    });
  }

  /**
   * A change to the account's verification methods: a security event, and (for an activated account, so not
   * during sign-up) an email to the account telling what changed.
   */
  async #changed(
    accountId: string,
    event: string | undefined,
    details: Record<string, unknown>,
    notice: { key: string; params?: Record<string, string> },
    ip?: string,
    db: DbHandle = this.deps.db,
  ): Promise<void> {
    const now = this.deps.clock.now();
    if (event) await recordSecurityEvent(db, { accountId, kind: event, at: now, ip, details });
    const account: AccountRow | undefined = await findAccountById(db, accountId);
    if (!account?.activated_at) return;
    const t = this.deps.i18n.t(account.language);
    await this.deps.notifications.queueEmail(db, {
      to: account.email,
      template: 'two_step_changed',
      language: account.language,
      params: {
        change: t(`two_step:notice.${notice.key}`, notice.params ?? {}),
        link: `${this.deps.publicUrl}/account/two-step`,
      },
    });
  }
}
