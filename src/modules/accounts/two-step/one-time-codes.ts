import { randomInt } from 'node:crypto';
import type { AccountOneTimeCodesTable } from '../tables.js';
import { sha256 } from '../../../platform/hashing.js';

/**
 * One-time codes sent by text message or email (ACC-3): 6 random digits, stored hashed, live 10 minutes, used
 * once; sending a new code replaces the old one. Sending is limited per account (at most one every 30 seconds
 * and 5 an hour); wrong codes count toward the lockout every two-step method shares (service.ts otpLockedUntil).
 */
export const ONE_TIME_CODE_TTL_MS = 10 * 60_000;
export const CODE_RESEND_INTERVAL_MS = 30_000;
export const CODES_PER_HOUR = 5;

export type CodePurpose = AccountOneTimeCodesTable['purpose'];
export type CodeChannel = AccountOneTimeCodesTable['channel'];

/** Six random digits from the operating system's CSPRNG. */
export function newOneTimeCode(): string {
  return String(randomInt(0, 1_000_000)).padStart(6, '0');
}

/** Only digits count: people type "123 456" or "123-456". */
export function cleanOneTimeCode(code: string): string {
  return code.replace(/[\s-]/g, '');
}

/**
 * The stored form of a code: SHA-256 over the account id and the code, so a row read from the database is not
 * the code itself and a hash cannot be matched against another account. (A 6-digit code cannot resist an
 * offline search of its hash; its 10-minute life and single use are what protect it.)
 */
export function hashOneTimeCode(accountId: string, code: string): string {
  return sha256(`${accountId}:${cleanOneTimeCode(code)}`);
}

/**
 * When the next code may be sent, given when codes were sent during the last hour (oldest first): undefined if
 * now. At most one every CODE_RESEND_INTERVAL_MS, and at most CODES_PER_HOUR in any hour.
 */
export function nextCodeAllowedAt(sentTimes: Date[], now: Date): Date | undefined {
  const hourAgo = now.getTime() - 3600_000;
  const recent = sentTimes
    .filter((t) => t.getTime() > hourAgo)
    .map((t) => t.getTime())
    .sort((a, b) => a - b);
  let allowed = -Infinity;
  if (recent.length) allowed = recent[recent.length - 1]! + CODE_RESEND_INTERVAL_MS;
  // The hourly limit frees up when the oldest of the last CODES_PER_HOUR sends is an hour old.
  if (recent.length >= CODES_PER_HOUR) allowed = Math.max(allowed, recent[recent.length - CODES_PER_HOUR]! + 3600_000);
  return allowed > now.getTime() ? new Date(allowed) : undefined;
}

export type SendCodeResult =
  | { ok: true; expiresAt: Date }
  | { ok: false; reason: 'too_soon'; retryAt: Date }
  | { ok: false; reason: 'locked'; retryAt: Date };

/** Shown to the person as where a code went, without the whole number: "***-***-1234" or "+44 *** 1234". */
export function maskPhone(e164: string): string {
  const last4 = e164.slice(-4);
  return e164.startsWith('+1') ? `***-***-${last4}` : `${e164.slice(0, 3)} *** ${last4}`;
}

/** "j•••@example.com": enough to recognize one's address. */
export function maskEmail(email: string): string {
  const [local = '', domain = ''] = email.split('@');
  return `${local.slice(0, 1)}•••@${domain}`;
}
