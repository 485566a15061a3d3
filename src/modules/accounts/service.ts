import { randomInt } from 'node:crypto';
import { authenticator } from 'otplib';
import { z } from 'zod';
import type { Clock } from '../../platform/clock.js';
import { inTransaction, type DbHandle } from '../../platform/db/database.js';
import type { AccountRow } from './tables.js';
import type { Language } from '../../platform/i18n/index.js';
import type { Random } from '../../platform/random.js';
import { sha256 } from '../../platform/hashing.js';
import type { NotificationService } from '../notifications/index.js';
import { checkPassword, dummyVerify, hashPassword, needsRehash, verifyPassword } from './passwords.js';
import {
  consumeToken,
  countAddressFailuresSince,
  countEmailFailuresSince,
  countSecurityEventsSince,
  recordAddressFailure,
  recordEmailFailure,
  deleteSessionsOf,
  deviceSeenBefore,
  listSessionsOf,
  countUnusedBackupCodes,
  findAccountByEmail,
  findAccountById,
  findTotp,
  findUsableToken,
  insertAccount,
  insertToken,
  lockedUntil,
  onlineAccountNumberTaken,
  recordSecurityEvent,
  replaceBackupCodes,
  updateAccount,
  upsertTotp,
  useBackupCode,
  useTotpStep,
} from './repository.js';
import { hashOneTimeCode } from './two-step/one-time-codes.js';
import { useOneTimeCode } from './two-step/two-step-repository.js';

/**
 * Accounts (ACC-1..ACC-4): sign-up with a verified email, a password, two-step verification with an
 * authenticator app and backup codes, and sign-in with its throttles. No HTTP here; routes call these.
 */

export const EMAIL_LINK_TTL_MS = 24 * 3600_000;
/** Login.gov's floor: 10 wrong one-time codes lock two-step verification for 10 minutes. */
export const OTP_MAX_FAILURES = 10;
export const OTP_LOCKOUT_MS = 10 * 60_000;
/**
 * Sign-in, per normalised email whether or not an account uses it (issue 13 item 14): 5 free failures in 15 minutes,
 * then a wait that doubles with each failure (at most an hour). Re-authentication has the same rule over the
 * account's own re-authentication failures.
 */
export const SIGN_IN_FREE_FAILURES = 5;
export const SIGN_IN_WINDOW_MS = 15 * 60_000;
/**
 * While an email is throttled, its holder can ask for a link by email (sent only to an account's email; the page
 * answers the same either way): single-use, 30 minutes, at most 3 an hour per account, and at most 3 wrong passwords
 * through it. The link takes the password; the second step follows as at every sign-in.
 */
export const UNLOCK_LINK_TTL_MS = 30 * 60_000;
export const UNLOCK_LINKS_PER_HOUR = 3;
export const UNLOCK_LINK_PASSWORD_TRIES = 3;
/** Per network address (any email, known or not): 20 free failures in 15 minutes, then the same doubling waits. */
export const ADDRESS_FREE_FAILURES = 20;
export const BACKUP_CODE_COUNT = 10;
/** ACC-5: reset links live one hour; at most 3 are sent per account per hour. */
export const RESET_LINK_TTL_MS = 3600_000;
export const RESET_LINKS_PER_HOUR = 3;

const TOTP_STEP_SECONDS = 30;
const BACKUP_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'; // Crockford base32: no I, L, O, U

export const emailSchema = z.string().trim().toLowerCase().max(254).email();

/**
 * The lockout every two-step method shares (Login.gov's floor): after OTP_MAX_FAILURES wrong codes (or failed
 * passkey checks) within OTP_LOCKOUT_MS, no method is accepted until OTP_LOCKOUT_MS after the last one.
 */
export async function otpLockedUntil(db: DbHandle, accountId: string, now: Date): Promise<Date | undefined> {
  return lockedUntil(db, accountId, { kind: 'otp_failed', max: OTP_MAX_FAILURES, windowMs: OTP_LOCKOUT_MS }, now);
}

/** Records a wrong code (event `otp_failed`) and answers whether it locked two-step verification. */
export async function recordOtpFailure(
  db: DbHandle,
  accountId: string,
  now: Date,
  ip?: string,
  details?: Record<string, unknown>,
): Promise<{ ok: false; reason: 'invalid' } | { ok: false; reason: 'locked'; retryAt: Date }> {
  await recordSecurityEvent(db, { accountId, kind: 'otp_failed', at: now, ip, details });
  const lockedUntil = await otpLockedUntil(db, accountId, now);
  return lockedUntil ? { ok: false, reason: 'locked', retryAt: lockedUntil } : { ok: false, reason: 'invalid' };
}

/**
 * The key sign-in failures are counted under: a hash of the email as typed, trimmed and in lower case (what
 * emailSchema makes of it), whether or not it is a valid address and whether or not an account uses it.
 */
export function signInEmailKey(emailInput: string): string {
  return sha256(`sign-in:${emailInput.trim().toLowerCase()}`);
}

export function normalizeBackupCode(code: string): string {
  return code.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
}

/** After `free` failures, each further one makes the next attempt wait twice as long from the last (1 minute, at most an hour). */
function waitAfter(failures: { count: number; last?: Date }, free: number, now: Date): Date | undefined {
  if (failures.count < free || !failures.last) return undefined;
  const retryAt = new Date(failures.last.getTime() + Math.min(3600_000, 60_000 * 2 ** (failures.count - free)));
  return retryAt > now ? retryAt : undefined;
}

/** "Firefox · Windows" (the same in both languages): enough for a person to recognize a device, no fingerprint. */
export function describeUserAgent(ua: string | undefined): string {
  if (!ua) return '?';
  const browser = /Edg\//.test(ua)
    ? 'Edge'
    : /Firefox\//.test(ua)
      ? 'Firefox'
      : /(Chrome|Chromium)\//.test(ua)
        ? 'Chrome'
        : /Safari\//.test(ua)
          ? 'Safari'
          : 'Web';
  const os = /iPhone|iPad/.test(ua)
    ? 'iOS'
    : /Android/.test(ua)
      ? 'Android'
      : /Windows/.test(ua)
        ? 'Windows'
        : /Mac OS X|Macintosh/.test(ua)
          ? 'macOS'
          : /Linux/.test(ua)
            ? 'Linux'
            : '?';
  return `${browser} · ${os}`;
}

export interface AccountDeps {
  db: DbHandle;
  clock: Clock;
  random: Random;
  notifications: NotificationService;
  publicUrl: string;
  issuer: string;
}

export type SignInResult =
  | { ok: true; account: AccountRow }
  | { ok: false; reason: 'invalid' }
  | { ok: false; reason: 'throttled'; retryAt: Date };

/** Signing in through an unlock link: `link_invalid` when it is spent, expired or unknown. */
export type UnlockSignInResult = { ok: true; account: AccountRow } | { ok: false; reason: 'invalid' | 'link_invalid' };

export type SecondFactorResult =
  | { ok: true; method: 'totp' | 'sms' | 'email' | 'backup_code'; remainingBackupCodes?: number }
  | { ok: false; reason: 'invalid' }
  | { ok: false; reason: 'locked'; retryAt: Date };

export class AccountService {
  constructor(private readonly deps: AccountDeps) {}

  /**
   * Step 1 of sign-up. The answer is the same whether or not the email has an account (no enumeration): a new
   * or unfinished account gets a verification link; an existing one gets a notice instead.
   */
  async startSignUp(input: {
    email: string;
    kind: 'applicant' | 'representative';
    language: Language;
    ip?: string;
  }): Promise<void> {
    const { db, clock, random, notifications } = this.deps;
    const now = clock.now();
    await inTransaction(db, async (trx) => {
      const existing = await findAccountByEmail(trx, input.email);
      if (existing?.activated_at) {
        await notifications.queueEmail(trx, {
          to: input.email,
          template: 'account_exists',
          language: input.language,
          params: { link: `${this.deps.publicUrl}/account/sign-in` },
        });
        return;
      }
      let accountId = existing?.id;
      if (!accountId) {
        accountId = random.uuid();
        await insertAccount(trx, {
          id: accountId,
          kind: input.kind,
          email: input.email,
          email_verified_at: null,
          password_hash: null,
          online_account_number: await this.newOnlineAccountNumber(trx),
          language: input.language,
          created_at: now,
          activated_at: null,
          disabled_at: null,
        });
      }
      const token = random.token(32);
      await insertToken(trx, token, { account_id: accountId, purpose: 'verify_email' }, now, EMAIL_LINK_TTL_MS);
      await notifications.queueEmail(trx, {
        to: input.email,
        template: 'verify_email',
        language: input.language,
        params: { link: `${this.deps.publicUrl}/account/sign-up/confirm?token=${encodeURIComponent(token)}` },
      });
    });
  }

  /** A unique 12-digit Online Account Number (REP-3) for a new account of any kind. */
  async newOnlineAccountNumber(db: DbHandle): Promise<string> {
    for (;;) {
      const number = `${randomInt(1, 10)}${String(randomInt(0, 100_000)).padStart(5, '0')}${String(randomInt(0, 1_000_000)).padStart(6, '0')}`;
      if (!(await onlineAccountNumberTaken(db, number))) return number;
    }
  }

  /** Whether a verification link is still usable (shown before the person confirms with a button). */
  async verificationLinkUsable(token: string): Promise<boolean> {
    return Boolean(await findUsableToken(this.deps.db, sha256(token), 'verify_email', this.deps.clock.now()));
  }

  /** Uses the link's token (once) and marks the email verified. */
  async confirmEmail(token: string): Promise<AccountRow | undefined> {
    const now = this.deps.clock.now();
    return inTransaction(this.deps.db, async (trx) => {
      const accountId = (await consumeToken(trx, sha256(token), 'verify_email', now))?.account_id;
      if (!accountId) return undefined;
      const account = await findAccountById(trx, accountId);
      if (!account || account.activated_at) return undefined;
      await updateAccount(trx, accountId, { email_verified_at: now });
      await recordSecurityEvent(trx, { accountId, kind: 'email_verified', at: now });
      return { ...account, email_verified_at: now };
    });
  }

  async setPassword(accountId: string, password: string) {
    const account = await findAccountById(this.deps.db, accountId);
    if (!account) throw new Error('account not found');
    const check = checkPassword(password, { email: account.email });
    if (!check.ok) return check;
    await updateAccount(this.deps.db, accountId, { password_hash: await hashPassword(password) });
    await recordSecurityEvent(this.deps.db, { accountId, kind: 'password_set', at: this.deps.clock.now() });
    return check;
  }

  #totp(): typeof authenticator {
    return authenticator.clone({ epoch: this.deps.clock.now().getTime(), step: TOTP_STEP_SECONDS, window: 1 });
  }

  /** A new authenticator secret (unconfirmed until a code from it is entered). */
  async beginAuthenticator(accountId: string): Promise<{ secret: string; otpauthUrl: string }> {
    const account = await findAccountById(this.deps.db, accountId);
    if (!account) throw new Error('account not found');
    const existing = await findTotp(this.deps.db, accountId);
    const secret = existing && !existing.confirmed_at ? existing.secret : authenticator.generateSecret(20);
    if (!existing || existing.confirmed_at) await upsertTotp(this.deps.db, accountId, secret);
    return { secret, otpauthUrl: authenticator.keyuri(account.email, this.deps.issuer, secret) };
  }

  /** Checks a code against the secret; answers the time step it matched, or undefined. */
  #matchStep(secret: string, code: string): number | undefined {
    const clean = code.replace(/\s/g, '');
    if (!/^\d{6}$/.test(clean)) return undefined;
    const delta = this.#totp().checkDelta(clean, secret);
    if (delta === null) return undefined;
    return Math.floor(this.deps.clock.now().getTime() / 1000 / TOTP_STEP_SECONDS) + delta;
  }

  /** Confirms the authenticator with a first code and issues the backup codes (shown once). */
  async confirmAuthenticator(
    accountId: string,
    code: string,
    options: { issueBackupCodes?: boolean } = {},
  ): Promise<{ ok: true; backupCodes: string[] } | { ok: false }> {
    const totp = await findTotp(this.deps.db, accountId);
    const step = totp ? this.#matchStep(totp.secret, code) : undefined;
    if (!totp || step === undefined) return { ok: false };
    const now = this.deps.clock.now();
    return inTransaction(this.deps.db, async (trx) => {
      if (!(await useTotpStep(trx, accountId, step, now))) return { ok: false } as const;
      // At sign-up the first method comes with the backup codes; adding an app later keeps the existing set.
      const backupCodes = options.issueBackupCodes === false ? [] : await this.#replaceBackupCodes(trx, accountId);
      await recordSecurityEvent(trx, { accountId, kind: 'authenticator_added', at: now });
      return { ok: true, backupCodes } as const;
    });
  }

  /** A new set of backup codes replacing the old one (ACC-4); the clear codes are answered once, to be shown. */
  async issueBackupCodes(accountId: string, db: DbHandle = this.deps.db): Promise<string[]> {
    return this.#replaceBackupCodes(db, accountId);
  }

  async #replaceBackupCodes(db: DbHandle, accountId: string): Promise<string[]> {
    const codes = Array.from({ length: BACKUP_CODE_COUNT }, () => {
      const chars = Array.from({ length: 12 }, () => BACKUP_ALPHABET[randomInt(0, BACKUP_ALPHABET.length)]).join('');
      return `${chars.slice(0, 4)}-${chars.slice(4, 8)}-${chars.slice(8)}`;
    });
    await replaceBackupCodes(
      db,
      accountId,
      codes.map((c) => sha256(normalizeBackupCode(c))),
    );
    return codes;
  }

  /** Sign-up is complete: the account may sign in from now on. */
  async activate(accountId: string): Promise<void> {
    await updateAccount(this.deps.db, accountId, { activated_at: this.deps.clock.now() });
    await recordSecurityEvent(this.deps.db, { accountId, kind: 'account_activated', at: this.deps.clock.now() });
  }

  /**
   * First factor. Unknown emails cost the same password-hash time and give the same answer, and their failures are
   * counted like a known email's: once throttled, every email gets the same answer (issue 13 item 14).
   */
  async signIn(emailInput: string, password: string, ip?: string): Promise<SignInResult> {
    const { db, clock } = this.deps;
    const now = clock.now();
    // Per address first: an address that failed too often waits, whichever email it tries next.
    const addressRetryAt = ip ? await this.#addressThrottle(ip, now) : undefined;
    if (addressRetryAt) return { ok: false, reason: 'throttled', retryAt: addressRetryAt };
    const email = emailSchema.safeParse(emailInput);
    const key = signInEmailKey(emailInput);
    const account = email.success ? await findAccountByEmail(db, email.data) : undefined;
    // Then per email, known or not (the same queries either way); the right password waits like a wrong one.
    const retryAt = await this.#emailThrottle(key, account?.id, now);
    if (retryAt) return { ok: false, reason: 'throttled', retryAt };
    if (!account || !account.activated_at || !account.password_hash) {
      await dummyVerify(password);
      await this.#recordPasswordFailure(key, undefined, now, ip);
      return { ok: false, reason: 'invalid' };
    }
    if (!(await verifyPassword(account.password_hash, password))) {
      await this.#recordPasswordFailure(key, account.id, now, ip);
      return { ok: false, reason: 'invalid' };
    }
    await recordSecurityEvent(db, { accountId: account.id, kind: 'password_verified', at: now, ip });
    // Stored with older argon2 parameters: upgrade the hash now that we have the password.
    if (needsRehash(account.password_hash))
      await updateAccount(db, account.id, { password_hash: await hashPassword(password) });
    return { ok: true, account };
  }

  /** A wrong password (or none to check): counted for the email, the address, and the account's security events. */
  async #recordPasswordFailure(
    emailKey: string,
    accountId: string | undefined,
    now: Date,
    ip: string | undefined,
    kind = 'sign_in_failed',
  ): Promise<void> {
    const { db } = this.deps;
    await recordEmailFailure(db, emailKey, now);
    if (accountId) await recordSecurityEvent(db, { accountId, kind, at: now, ip });
    if (ip) await recordAddressFailure(db, ip, now);
  }

  /** The account's lockouts now, for the Technical Help Desk: the password wait and the two-step lock, if any. */
  async lockState(accountId: string): Promise<{ passwordUntil?: Date; codesUntil?: Date }> {
    const now = this.deps.clock.now();
    const account = await findAccountById(this.deps.db, accountId);
    return {
      passwordUntil: account ? await this.#emailThrottle(signInEmailKey(account.email), accountId, now) : undefined,
      codesUntil: await otpLockedUntil(this.deps.db, accountId, now),
    };
  }

  /** The same rule per network address, over every email it tried (ADDRESS_FREE_FAILURES free, then doubling waits). */
  async #addressThrottle(ip: string, now: Date): Promise<Date | undefined> {
    const failures = await countAddressFailuresSince(this.deps.db, ip, new Date(now.getTime() - SIGN_IN_WINDOW_MS));
    return waitAfter(failures, ADDRESS_FREE_FAILURES, now);
  }

  /**
   * When the wait after too many wrong passwords for an email ends (undefined: no wait), whether or not an account
   * uses it. The account's last help-desk unlock or password reset starts the count again.
   */
  async #emailThrottle(emailKey: string, accountId: string | undefined, now: Date): Promise<Date | undefined> {
    const failures = await countEmailFailuresSince(
      this.deps.db,
      emailKey,
      new Date(now.getTime() - SIGN_IN_WINDOW_MS),
      accountId,
    );
    return waitAfter(failures, SIGN_IN_FREE_FAILURES, now);
  }

  /**
   * Re-authentication's wait: the same rule over the account's own re-authentication failures only, so that
   * strangers' wrong passwords at the sign-in form do not stop the signed-in holder from confirming it is them.
   */
  async #reauthThrottle(accountId: string, now: Date): Promise<Date | undefined> {
    const failures = await countSecurityEventsSince(
      this.deps.db,
      accountId,
      'reauth_failed',
      new Date(now.getTime() - SIGN_IN_WINDOW_MS),
    );
    return waitAfter(failures, SIGN_IN_FREE_FAILURES, now);
  }

  /** Re-authentication, first step: the signed-in person's password again, with its own throttle. */
  async reverifyPassword(accountId: string, password: string, ip?: string): Promise<SignInResult> {
    const { db, clock } = this.deps;
    const account = await findAccountById(db, accountId);
    if (!account?.password_hash) return { ok: false, reason: 'invalid' };
    const now = clock.now();
    const retryAt = await this.#reauthThrottle(accountId, now);
    if (retryAt) return { ok: false, reason: 'throttled', retryAt };
    const verified = await verifyPassword(account.password_hash, password);
    const kind = verified ? 'password_verified' : 'reauth_failed';
    await recordSecurityEvent(db, { accountId, kind, at: now, ip, details: { reauthentication: true } });
    return verified ? { ok: true, account } : { ok: false, reason: 'invalid' };
  }

  /**
   * "Email me a link to sign in" (issue 13 item 14), offered while sign-in is throttled. The same answer whatever
   * the email: an activated account's email gets a single-use link (UNLOCK_LINK_TTL_MS, at most UNLOCK_LINKS_PER_HOUR
   * an hour); nothing is sent otherwise.
   */
  async requestSignInUnlock(emailInput: string, ip?: string): Promise<void> {
    await this.#emailSingleUseLink(emailInput, ip, {
      purpose: 'unlock_sign_in',
      event: 'unlock_link_sent',
      perHour: UNLOCK_LINKS_PER_HOUR,
      ttlMs: UNLOCK_LINK_TTL_MS,
      eligible: (account) => Boolean(account.password_hash),
      send: (trx, account, token) =>
        this.deps.notifications.queueEmail(trx, {
          to: account.email,
          template: 'sign_in_unlock',
          language: account.language,
          params: {
            link: `${this.deps.publicUrl}/account/sign-in/unlock/link?token=${encodeURIComponent(token)}`,
            reset: `${this.deps.publicUrl}/account/forgot-password`,
          },
        }),
    });
  }

  /**
   * A single-use link by email, the same answer whatever the address (nothing says whether an account exists): only
   * an activated account the spec finds eligible gets one, at most `perHour` an hour, each recorded as `event`.
   */
  async #emailSingleUseLink(
    emailInput: string,
    ip: string | undefined,
    spec: {
      purpose: 'unlock_sign_in' | 'reset_password';
      event: string;
      perHour: number;
      ttlMs: number;
      eligible?: (account: AccountRow) => boolean;
      send: (trx: DbHandle, account: AccountRow, token: string) => Promise<unknown>;
    },
  ): Promise<void> {
    const { db, clock, random } = this.deps;
    const email = emailSchema.safeParse(emailInput);
    if (!email.success) return;
    const now = clock.now();
    await inTransaction(db, async (trx) => {
      const account = await findAccountByEmail(trx, email.data);
      if (!account?.activated_at || (spec.eligible && !spec.eligible(account))) return;
      const recent = await countSecurityEventsSince(trx, account.id, spec.event, new Date(now.getTime() - 3600_000));
      if (recent.count >= spec.perHour) return;
      const token = random.token(32);
      await insertToken(trx, token, { account_id: account.id, purpose: spec.purpose }, now, spec.ttlMs);
      await recordSecurityEvent(trx, { accountId: account.id, kind: spec.event, at: now, ip });
      await spec.send(trx, account, token);
    });
  }

  /** The email an unlock link signs in to, while the link is usable (shown on the page it opens). */
  async unlockLinkEmail(token: string): Promise<string | undefined> {
    const link = await this.#usableUnlockLink(token, this.deps.clock.now());
    return link?.account.email;
  }

  /** An unlock link that can still be used: unused, unexpired, and fewer than UNLOCK_LINK_PASSWORD_TRIES wrong passwords since it was sent. */
  async #usableUnlockLink(
    token: string,
    now: Date,
  ): Promise<{ account: AccountRow & { password_hash: string } } | undefined> {
    const { db } = this.deps;
    const link = await findUsableToken(db, sha256(token), 'unlock_sign_in', now);
    if (!link) return undefined;
    const account = await findAccountById(db, link.account_id);
    if (!account?.activated_at || !account.password_hash) return undefined;
    // Counted from just before the link was made (a clock may give the failure the link's own millisecond).
    const failures = await countSecurityEventsSince(
      db,
      account.id,
      'unlock_link_failed',
      new Date(link.created_at.getTime() - 1),
    );
    if (failures.count >= UNLOCK_LINK_PASSWORD_TRIES) return undefined;
    return { account: { ...account, password_hash: account.password_hash } };
  }

  /**
   * The first factor through an unlock link, whatever the throttles of the email and the address: the right password
   * spends the link and leads to the second step as at every sign-in; a wrong one counts like any other (and
   * UNLOCK_LINK_PASSWORD_TRIES of them spend the link).
   */
  async signInWithUnlockLink(token: string, password: string, ip?: string): Promise<UnlockSignInResult> {
    const { db, clock } = this.deps;
    const now = clock.now();
    const link = await this.#usableUnlockLink(token, now);
    if (!link) return { ok: false, reason: 'link_invalid' };
    const { account } = link;
    if (!(await verifyPassword(account.password_hash, password))) {
      await this.#recordPasswordFailure(signInEmailKey(account.email), account.id, now, ip, 'unlock_link_failed');
      if (!(await this.#usableUnlockLink(token, now))) await consumeToken(db, sha256(token), 'unlock_sign_in', now);
      return { ok: false, reason: 'invalid' };
    }
    if (!(await consumeToken(db, sha256(token), 'unlock_sign_in', now))) return { ok: false, reason: 'link_invalid' };
    await recordSecurityEvent(db, {
      accountId: account.id,
      kind: 'password_verified',
      at: now,
      ip,
      details: { unlock_link: true },
    });
    if (needsRehash(account.password_hash))
      await updateAccount(db, account.id, { password_hash: await hashPassword(password) });
    return { ok: true, account };
  }

  /**
   * The second factor: a code from the authenticator app (method 'totp'), or the text-message or email code
   * just sent ('sms', 'email'), or a backup code (ACC-4) whatever the method ('backup': only a backup code). Every wrong code counts toward the
   * one lockout of all two-step methods (otpLockedUntil).
   */
  async verifySecondFactor(
    accountId: string,
    code: string,
    ip?: string,
    method: 'totp' | 'sms' | 'email' | 'backup' = 'totp',
  ): Promise<SecondFactorResult> {
    const { db, clock } = this.deps;
    const now = clock.now();
    const lockedUntil = await otpLockedUntil(db, accountId, now);
    if (lockedUntil) return { ok: false, reason: 'locked', retryAt: lockedUntil };
    if (method === 'totp') {
      const totp = await findTotp(db, accountId);
      const step = totp?.confirmed_at ? this.#matchStep(totp.secret, code) : undefined;
      if (step !== undefined && (await useTotpStep(db, accountId, step, null))) {
        await recordSecurityEvent(db, { accountId, kind: 'signed_in', at: now, ip, details: { method: 'totp' } });
        return { ok: true, method: 'totp' };
      }
    } else if (
      method !== 'backup' &&
      (await useOneTimeCode(
        db,
        accountId,
        { purpose: 'authenticate', channel: method, codeHash: hashOneTimeCode(accountId, code) },
        now,
      ))
    ) {
      await recordSecurityEvent(db, { accountId, kind: 'signed_in', at: now, ip, details: { method } });
      return { ok: true, method };
    }
    const backup = normalizeBackupCode(code);
    if (backup.length === 12 && (await useBackupCode(db, accountId, sha256(backup), now))) {
      const remaining = await countUnusedBackupCodes(db, accountId);
      const account = await findAccountById(db, accountId);
      await recordSecurityEvent(db, { accountId, kind: 'signed_in', at: now, ip, details: { method: 'backup_code' } });
      if (account) {
        await this.deps.notifications.queueEmail(db, {
          to: account.email,
          template: 'backup_code_used',
          language: account.language,
          params: { remaining: String(remaining), link: `${this.deps.publicUrl}/account` },
        });
      }
      return { ok: true, method: 'backup_code', remainingBackupCodes: remaining };
    }
    return recordOtpFailure(db, accountId, now, ip, { method });
  }

  /**
   * Forgot password (ACC-5). Same answer whatever the email: a reset link goes to an activated account's email
   * and to its recovery email once verified (one link, usable once, in both messages), at most 3 an hour.
   */
  async requestPasswordReset(emailInput: string, ip?: string): Promise<void> {
    await this.#emailSingleUseLink(emailInput, ip, {
      purpose: 'reset_password',
      event: 'reset_requested',
      perHour: RESET_LINKS_PER_HOUR,
      ttlMs: RESET_LINK_TTL_MS,
      send: async (trx, account, token) => {
        const to =
          account.recovery_email && account.recovery_email_verified_at
            ? [account.email, account.recovery_email]
            : [account.email];
        for (const address of to) {
          await this.deps.notifications.queueEmail(trx, {
            to: address,
            template: 'reset_password',
            language: account.language,
            params: { link: `${this.deps.publicUrl}/account/reset-password?token=${encodeURIComponent(token)}` },
          });
        }
      },
    });
  }

  /**
   * A signed-in person changes their password (after re-authenticating): every other session ends, and the
   * account's email is told.
   */
  async changePassword(accountId: string, password: string, keepSessionIdHash: string, ip?: string) {
    const { db, clock } = this.deps;
    const account = await findAccountById(db, accountId);
    if (!account) throw new Error('account not found');
    const check = checkPassword(password, { email: account.email });
    if (!check.ok) return check;
    const hash = await hashPassword(password);
    const now = clock.now();
    await inTransaction(db, (trx) =>
      this.#replacePassword(trx, account, hash, { kind: 'password_changed', at: now, ip, keepSessionIdHash }),
    );
    return check;
  }

  /** A new password in place: every session ends (but the one kept), and the account's email is told. */
  async #replacePassword(
    trx: DbHandle,
    account: AccountRow,
    hash: string,
    event: { kind: 'password_changed' | 'password_reset'; at: Date; ip?: string; keepSessionIdHash?: string },
  ): Promise<void> {
    await updateAccount(trx, account.id, { password_hash: hash });
    await deleteSessionsOf(trx, account.id, event.keepSessionIdHash);
    await recordSecurityEvent(trx, { accountId: account.id, kind: event.kind, at: event.at, ip: event.ip });
    await this.deps.notifications.queueEmail(trx, {
      to: account.email,
      template: 'password_changed',
      language: account.language,
      params: {},
    });
  }

  async resetLinkUsable(token: string): Promise<boolean> {
    return Boolean(await findUsableToken(this.deps.db, sha256(token), 'reset_password', this.deps.clock.now()));
  }

  /**
   * Sets a new password with a reset link's token (used once, only if the password is acceptable), signs out
   * every session and tells the person by email. Answers undefined when the link is not usable.
   */
  async resetPassword(token: string, password: string, ip?: string) {
    const { db, clock } = this.deps;
    const now = clock.now();
    const usable = await findUsableToken(db, sha256(token), 'reset_password', now);
    if (!usable) return undefined;
    const account = await findAccountById(db, usable.account_id);
    if (!account) return undefined;
    const check = checkPassword(password, { email: account.email });
    if (!check.ok) return check;
    const hash = await hashPassword(password);
    return inTransaction(db, async (trx) => {
      if (!(await consumeToken(trx, sha256(token), 'reset_password', now))) return undefined;
      await this.#replacePassword(trx, account, hash, { kind: 'password_reset', at: now, ip });
      return check;
    });
  }

  /**
   * A full sign-in from a device (identified by a long-lived random cookie): the first time a device is seen for
   * an account that already has one, the account holder gets an email.
   */
  async recordDevice(
    accountId: string,
    deviceId: string,
    userAgent: string | undefined,
    ip?: string,
  ): Promise<'known' | 'new'> {
    const { db, clock, notifications } = this.deps;
    const device = sha256(deviceId);
    const now = clock.now();
    return inTransaction(db, async (trx) => {
      const { seen, anyDevice } = await deviceSeenBefore(trx, accountId, device);
      if (seen) return 'known';
      const description = describeUserAgent(userAgent);
      await recordSecurityEvent(trx, { accountId, kind: 'device_seen', at: now, ip, details: { device, description } });
      const account = await findAccountById(trx, accountId);
      if (anyDevice && account) {
        await notifications.queueEmail(trx, {
          to: account.email,
          template: 'new_device',
          language: account.language,
          params: { device: description, link: `${this.deps.publicUrl}/account/sessions` },
        });
      }
      return 'new';
    });
  }

  async activeSessions(accountId: string) {
    return listSessionsOf(this.deps.db, accountId, this.deps.clock.now());
  }

  /** "Sign out other devices": ends every session of the account but the one given. */
  async signOutOtherSessions(accountId: string, keepIdHash: string, ip?: string): Promise<void> {
    await deleteSessionsOf(this.deps.db, accountId, keepIdHash);
    await recordSecurityEvent(this.deps.db, {
      accountId,
      kind: 'signed_out_other_devices',
      at: this.deps.clock.now(),
      ip,
    });
  }

  async findAccount(accountId: string): Promise<AccountRow | undefined> {
    return findAccountById(this.deps.db, accountId);
  }
}
