import { randomInt } from 'node:crypto';
import { sha256 } from '../../platform/hashing.js';

/** Online Access Codes (CASE-4, CASE-5): the codes of the `online_access_codes` table, which this module keeps. */

/** CASE-5: an Online Access Code is valid for 90 days from its notice. */
export const ACCESS_CODE_TTL_MS = 90 * 86_400_000;

/** What is stored of a code (normalized first): its hash only. */
export function accessCodeHash(normalized: string): string {
  return sha256(`oac:${normalized}`);
}

/** CASE-5: 5-4-5 letters and digits; dashes, spaces and case do not matter. */
export function normalizeOnlineAccessCode(input: string): string | undefined {
  const clean = input.toUpperCase().replace(/[\s-]/g, '');
  return /^[A-Z0-9]{14}$/.test(clean) ? clean : undefined;
}

/** A new Online Access Code: 14 characters without the look-alikes 0, O, 1 and I (CASE-5), as normalized. */
export function generateOnlineAccessCode(): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  return Array.from({ length: 14 }, () => alphabet[randomInt(0, alphabet.length)]).join('');
}
