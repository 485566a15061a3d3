/**
 * Passwords (memorized secrets) per NIST SP 800-63B as Login.gov applies it.
 *
 * Rules for a new password (`checkPassword`), in this order:
 *  1. Length: PASSWORD_MIN..PASSWORD_MAX characters, counted as Unicode code points after NFKC normalization
 *     (so "é" typed as e + combining accent is one character; an emoji is one code point, a ZWJ emoji sequence is
 *     several). Every character is allowed, spaces included. No composition rules (no "one digit, one symbol").
 *  2. Not on the list of common and breached passwords shipped with the app (data/common-passwords.txt, see
 *     `commonPasswords()` below), compared after NFKC, trimming and lower-casing.
 *  3. Does not contain the email's local part (without a "+tag"), a piece of it between dots, dashes, underscores
 *     or pluses, or a word of one of the person's names, wherever that is at least PERSONAL_TERM_MIN (4) characters;
 *     compared without case, accents or punctuation ("Maria_Garcia!" contains maria.garcia@...).
 *  4. Strength estimate: zxcvbn (the @zxcvbn-ts port with the common, English and Spanish dictionaries, the email
 *     and names given as user inputs) must score at least PASSWORD_MIN_SCORE (3 of 0..4).
 *
 * Storage: argon2id via @node-rs/argon2 (Rust, runs on libuv's thread pool so it never blocks the event loop; the
 * digest comparison is constant-time inside the library). The password is NFKC-normalized and UTF-8 encoded before
 * hashing, as 63B recommends, so the same password typed on another keyboard/OS still verifies. ARGON2_PARAMS was
 * chosen with bench/sign-in/hash-rate.ts; see the comment on it and bench/results/sign-in-hash-rate-*.md.
 *
 * Nothing in this module logs, and nothing here puts a password anywhere but into argon2 and the checks. Callers
 * must keep it that way: passwords travel only in POST bodies (never in a URL or query string) and are never
 * logged (the logger also redacts any `password` field, src/platform/logging.ts).
 *
 * Suggestion codes (`PasswordSuggestion`): stable identifiers, not sentences; the UI translates them (English and
 * Spanish catalogs). Our own codes:
 *   use_min_length   the password is shorter than PASSWORD_MIN (12) characters
 *   use_max_length   the password is longer than PASSWORD_MAX (128) characters
 *   avoid_common     it is on the list of common or breached passwords
 *   avoid_personal   it contains the email address (local part) or a name
 *   use_passphrase   general advice: a longer phrase of several unrelated words (added when zxcvbn gives none)
 * zxcvbn's feedback keys, prefixed so that warnings and suggestions with the same key stay apart:
 *   warning_<key>    key in ZXCVBN_WARNING_KEYS, e.g. warning_straightRow, warning_similarToCommon
 *   suggestion_<key> key in ZXCVBN_SUGGESTION_KEYS, e.g. suggestion_l33t, suggestion_anotherWord
 * The English wording zxcvbn-ts ships for each key is in node_modules/@zxcvbn-ts/language-en (translations) and
 * the Spanish one in @zxcvbn-ts/language-es-es; our catalogs may reuse or improve it. PASSWORD_SUGGESTION_CODES
 * lists every code, for the catalog test.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hash, parseOptions, verify, type Algorithm, type Version } from '@node-rs/argon2';
import { ZxcvbnFactory, type FeedbackType } from '@zxcvbn-ts/core';
import { createRequire } from 'node:module';
import { fromRoot } from '../../platform/paths.js';

// ---------------------------------------------------------------------------------------------------------------
// Policy

export const PASSWORD_MIN = 12;
export const PASSWORD_MAX = 128;
/** zxcvbn score (0..4) a new password needs; Login.gov and the zxcvbn authors treat 3 as "safely unguessable". */
export const PASSWORD_MIN_SCORE = 3;
/** Email local parts and names shorter than this are not searched for inside the password. */
export const PERSONAL_TERM_MIN = 4;
/**
 * zxcvbn looks at the first this-many UTF-16 code units only (a surrogate pair is never split, so an emoji counts
 * as 2). It runs on the event loop and its matching grows steeply with length and with l33t-like characters: with
 * the library defaults, adversarial 128-character repeats such as "Ab1$Ab1$..." took 2-10 s. By zxcvbn's measure
 * a password is at least about as strong as its prefix, so truncating makes the check stricter, not weaker: a
 * password whose first 48 characters are guessable is refused. With ZXCVBN_L33T_MAX_SUBSTITUTIONS this keeps the
 * worst inputs we found near 50-60 ms of CPU on the 2-core reference machine (bench/sign-in/hash-rate.ts measures
 * it again); ordinary passwords take 5-40 ms.
 */
export const STRENGTH_PREFIX_UNITS = 48;
/** How many characters zxcvbn's l33t matcher may substitute (library default 100; see STRENGTH_PREFIX_UNITS). */
export const ZXCVBN_L33T_MAX_SUBSTITUTIONS = 4;

export const ZXCVBN_WARNING_KEYS = [
  'straightRow',
  'keyPattern',
  'simpleRepeat',
  'extendedRepeat',
  'sequences',
  'recentYears',
  'dates',
  'topTen',
  'topHundred',
  'common',
  'similarToCommon',
  'wordByItself',
  'namesByThemselves',
  'commonNames',
  'userInputs',
  'pwned',
] as const;
export const ZXCVBN_SUGGESTION_KEYS = [
  'l33t',
  'reverseWords',
  'allUppercase',
  'capitalization',
  'dates',
  'recentYears',
  'associatedYears',
  'sequences',
  'repeated',
  'longerKeyboardPattern',
  'anotherWord',
  'useWords',
  'noNeed',
  'pwned',
] as const;
export const OWN_SUGGESTION_CODES = [
  'use_min_length',
  'use_max_length',
  'avoid_common',
  'avoid_personal',
  'use_passphrase',
] as const;

export type ZxcvbnWarningKey = (typeof ZXCVBN_WARNING_KEYS)[number];
export type ZxcvbnSuggestionKey = (typeof ZXCVBN_SUGGESTION_KEYS)[number];
export type PasswordSuggestion =
  (typeof OWN_SUGGESTION_CODES)[number] | `warning_${ZxcvbnWarningKey}` | `suggestion_${ZxcvbnSuggestionKey}`;

export const PASSWORD_SUGGESTION_CODES: readonly PasswordSuggestion[] = [
  ...OWN_SUGGESTION_CODES,
  ...ZXCVBN_WARNING_KEYS.map((k) => `warning_${k}` as const),
  ...ZXCVBN_SUGGESTION_KEYS.map((k) => `suggestion_${k}` as const),
];

export type PasswordProblem = 'too_short' | 'too_long' | 'common' | 'weak' | 'contains_personal';

export interface PasswordContext {
  email?: string;
  /** The person's names as they gave them (first, middle, last...); each word of 4+ characters is checked. */
  names?: string[];
}

export type PasswordCheck =
  | { ok: true; score: number }
  | { ok: false; problem: PasswordProblem; score?: number; suggestions: PasswordSuggestion[] };

// ---------------------------------------------------------------------------------------------------------------
// The common/breached list

/**
 * data/common-passwords.txt: the `passwords-common` dictionary of the npm package @zxcvbn-ts/language-common
 * (49,233 passwords ranked by frequency in public breaches, compiled by zxcvbn-ts from leaked-password corpora),
 * normalized (NFKC, trimmed, lower case), deduplicated and sorted by
 * src/modules/accounts/data/build-common-passwords.ts. It ships with the app (no network lookup) and nothing in it
 * comes from our users. Read once, on first use, into a Set.
 */
const COMMON_PASSWORDS_FILE = fromRoot('src/modules/accounts/data/common-passwords.txt');
let commonPasswordSet: Set<string> | undefined;

export function commonPasswords(): ReadonlySet<string> {
  if (!commonPasswordSet) {
    const lines = readFileSync(COMMON_PASSWORDS_FILE, 'utf8').split('\n');
    commonPasswordSet = new Set(lines.filter((line) => line !== ''));
  }
  return commonPasswordSet;
}

/** Whether the password is on the shipped list (NFKC, trimmed, case-insensitive). */
export function isCommonPassword(password: string): boolean {
  return commonPasswords().has(password.normalize('NFKC').trim().toLowerCase());
}

// ---------------------------------------------------------------------------------------------------------------
// Strength estimate

let estimator: ZxcvbnFactory | undefined;

function zxcvbn(): ZxcvbnFactory {
  if (estimator) return estimator;
  // The dictionaries are loaded on first use, not at start-up (they take a few hundred milliseconds to load).
  const require = createRequire(import.meta.url);
  const common = require('@zxcvbn-ts/language-common') as typeof import('@zxcvbn-ts/language-common');
  const en = require('@zxcvbn-ts/language-en') as typeof import('@zxcvbn-ts/language-en');
  const es = require('@zxcvbn-ts/language-es-es') as typeof import('@zxcvbn-ts/language-es-es');
  estimator = new ZxcvbnFactory({
    dictionary: { ...common.dictionary, ...en.dictionary, ...es.dictionary },
    graphs: common.adjacencyGraphs,
    // No `translations`: zxcvbn then reports its feedback as keys, which we turn into PasswordSuggestion codes.
    l33tMaxSubstitutions: ZXCVBN_L33T_MAX_SUBSTITUTIONS,
    // strengthPrefix() truncates first (without splitting a surrogate pair); this is only a backstop.
    maxLength: STRENGTH_PREFIX_UNITS,
  });
  return estimator;
}

/**
 * Builds the dictionaries now instead of at the first sign-up (about 1 s of CPU, plus ~0.4 MB for the list).
 * Optional: call it after the server has started listening if the first password check should be fast.
 */
export function preparePasswordChecks(): void {
  commonPasswords();
  zxcvbn();
}

// ---------------------------------------------------------------------------------------------------------------
// Checking a new password

function codePointLength(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/** Case-, accent- and width-insensitive form used to look for personal terms. */
function fold(s: string): string {
  return s.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
}

/** Only letters and digits of the folded form: "Maria.Garcia", "maria_garcia" and "MariaGarcia" all become one. */
function compact(s: string): string {
  return fold(s).replace(/[^\p{L}\p{N}]/gu, '');
}

interface PersonalTerms {
  /** Compacted terms the password may not contain. */
  blocked: string[];
  /** zxcvbn user inputs: personal words it scores as trivially guessable. */
  userInputs: string[];
}

function personalTerms(context: PasswordContext): PersonalTerms {
  const blocked = new Set<string>();
  const userInputs = new Set<string>();
  const email = typeof context.email === 'string' ? context.email.trim().toLowerCase() : '';
  if (email) {
    const at = email.lastIndexOf('@');
    const local = at > 0 ? email.slice(0, at) : email;
    const plus = local.indexOf('+');
    const localBase = plus > 0 ? local.slice(0, plus) : local;
    for (const part of [local, localBase]) {
      const c = compact(part);
      if (codePointLength(c) >= PERSONAL_TERM_MIN) blocked.add(c);
      userInputs.add(part);
      if (c) userInputs.add(c);
    }
    userInputs.add(email);
    for (const piece of fold(localBase).split(/[^\p{L}\p{N}]+/u)) {
      // "kwame.osei": "osei kwame 2024" is as personal as "kwameosei"; zxcvbn's user inputs alone let it pass.
      if (codePointLength(piece) >= PERSONAL_TERM_MIN) blocked.add(piece);
      if (codePointLength(piece) >= 3) userInputs.add(piece);
    }
    const domainLabel = at > 0 ? email.slice(at + 1).split('.')[0] : undefined;
    if (domainLabel && codePointLength(domainLabel) >= 3) userInputs.add(domainLabel);
  }
  for (const name of Array.isArray(context.names) ? context.names : []) {
    if (typeof name !== 'string') continue;
    const words = fold(name)
      .split(/[^\p{L}\p{N}]+/u)
      .filter((w) => w !== '');
    for (const word of words) {
      if (codePointLength(word) >= PERSONAL_TERM_MIN) blocked.add(word);
      if (codePointLength(word) >= 2) userInputs.add(word);
    }
    const whole = compact(name);
    if (codePointLength(whole) >= PERSONAL_TERM_MIN) blocked.add(whole);
    if (whole) userInputs.add(whole);
  }
  return { blocked: [...blocked], userInputs: [...userInputs] };
}

function strengthPrefix(s: string): string {
  if (s.length <= STRENGTH_PREFIX_UNITS) return s;
  const last = s.charCodeAt(STRENGTH_PREFIX_UNITS - 1);
  return s.slice(0, last >= 0xd800 && last <= 0xdbff ? STRENGTH_PREFIX_UNITS - 1 : STRENGTH_PREFIX_UNITS);
}

function feedbackCodes(feedback: FeedbackType): PasswordSuggestion[] {
  const codes: PasswordSuggestion[] = [];
  const warning = feedback.warning;
  if (warning && (ZXCVBN_WARNING_KEYS as readonly string[]).includes(warning))
    codes.push(`warning_${warning as ZxcvbnWarningKey}`);
  for (const s of feedback.suggestions) {
    if ((ZXCVBN_SUGGESTION_KEYS as readonly string[]).includes(s)) codes.push(`suggestion_${s as ZxcvbnSuggestionKey}`);
  }
  if (!codes.some((c) => c.startsWith('suggestion_'))) codes.push('use_passphrase');
  return [...new Set(codes)];
}

/**
 * Checks a password someone wants to set (sign-up, change, reset). Pure and synchronous (reads the list file and
 * builds the dictionaries once, on first use: see preparePasswordChecks), never throws, and costs at most a few
 * tens of milliseconds of CPU (see STRENGTH_PREFIX_UNITS).
 * Do not call it at sign-in: existing passwords are only verified.
 */
export function checkPassword(password: string, context: PasswordContext = {}): PasswordCheck {
  const normalized = String(password).normalize('NFKC');
  const length = codePointLength(normalized);
  if (length < PASSWORD_MIN) return { ok: false, problem: 'too_short', suggestions: ['use_min_length'] };
  if (length > PASSWORD_MAX) return { ok: false, problem: 'too_long', suggestions: ['use_max_length'] };

  if (commonPasswords().has(normalized.trim().toLowerCase())) {
    return { ok: false, problem: 'common', suggestions: ['avoid_common', 'use_passphrase'] };
  }

  const personal = personalTerms(context ?? {});
  const compacted = compact(normalized);
  if (personal.blocked.some((term) => compacted.includes(term))) {
    return { ok: false, problem: 'contains_personal', suggestions: ['avoid_personal'] };
  }

  const result = zxcvbn().check(strengthPrefix(normalized), personal.userInputs);
  if (result.score < PASSWORD_MIN_SCORE) {
    return { ok: false, problem: 'weak', score: result.score, suggestions: feedbackCodes(result.feedback) };
  }
  return { ok: true, score: result.score };
}

// ---------------------------------------------------------------------------------------------------------------
// Hashing

export interface Argon2Params {
  /** KiB of memory per hash (the `m=` of the PHC string). */
  memoryCost: number;
  /** Passes over that memory (`t=`). */
  timeCost: number;
  /** Lanes (`p=`); also the threads one hash uses. */
  parallelism: number;
}

/**
 * argon2id parameters, chosen with bench/sign-in/hash-rate.ts on the 2-core reference machine (results in
 * bench/results/sign-in-hash-rate-2026-11-23.md): the strongest point of the grid (m 19-64 MiB x t 1-3) whose CPU
 * time per verification stays under 70% of the 250 ms sign-in budget. Measured: ~95 ms of CPU per verification
 * (~10 verifications/s one at a time, ~18/s on both cores); on the same machine under heavy load from other
 * processes it rose to ~150 ms, still inside the budget. m=64 MiB, t=3 is RFC 9106's second recommended setting
 * with p=1 instead of 4 (more lanes only spread the same CPU over more threads of a 2-core box), and is well above
 * the OWASP floor (19 MiB, t=2, p=1). Not more memory: every verification in flight holds m, up to
 * UV_THREADPOOL_SIZE (default 4) at once. Changing these re-hashes each account at its next successful sign-in
 * (`needsRehash`).
 */
export const ARGON2_PARAMS: Readonly<Argon2Params> = Object.freeze({
  memoryCost: 64 * 1024,
  timeCost: 3,
  parallelism: 1,
});

/** The OWASP Password Storage Cheat Sheet minimum for argon2id; ARGON2_PARAMS must not go below it. */
export const ARGON2_OWASP_MIN: Readonly<Argon2Params> = Object.freeze({
  memoryCost: 19 * 1024,
  timeCost: 2,
  parallelism: 1,
});

// Algorithm and Version are const enums in the library's typings, which isolatedModules cannot read as values.
const ARGON2ID = 2 as Algorithm; // Algorithm.Argon2id
const ARGON2_V13 = 1 as Version; // Version.V0x13 (0x13 = 19)
const OUTPUT_BYTES = 32;
const MIN_SALT_BYTES = 16;

/** What argon2 actually hashes: the NFKC form, as UTF-8 (63B 5.1.1.2). */
function secretBytes(password: string): Buffer {
  return Buffer.from(String(password).normalize('NFKC'), 'utf8');
}

/**
 * argon2id hash in PHC format (`$argon2id$v=19$m=65536,t=3,p=1$salt$digest`) with a fresh 16-byte salt.
 * `params` exists for tests (cheap parameters); production code leaves it out.
 */
export async function hashPassword(password: string, params: Readonly<Argon2Params> = ARGON2_PARAMS): Promise<string> {
  return hash(secretBytes(password), {
    algorithm: ARGON2ID,
    version: ARGON2_V13,
    memoryCost: params.memoryCost,
    timeCost: params.timeCost,
    parallelism: params.parallelism,
    outputLen: OUTPUT_BYTES,
  });
}

/**
 * Whether the password matches the stored hash (the hash's own parameters are used). Throws only when the stored
 * hash itself is not a valid argon2 PHC string, which is a data error, not bad input.
 */
export async function verifyPassword(storedHash: string, password: string): Promise<boolean> {
  return verify(storedHash, secretBytes(password));
}

/**
 * Whether a stored hash should be replaced by hashPassword() at the next successful sign-in: other parameters,
 * another algorithm or version, or a string we cannot parse.
 */
export function needsRehash(storedHash: string, params: Readonly<Argon2Params> = ARGON2_PARAMS): boolean {
  try {
    const stored = parseOptions(storedHash);
    return (
      stored.algorithm !== ARGON2ID ||
      stored.version !== ARGON2_V13 ||
      stored.memoryCost !== params.memoryCost ||
      stored.timeCost !== params.timeCost ||
      stored.parallelism !== params.parallelism ||
      stored.outputLen !== OUTPUT_BYTES ||
      stored.saltLen < MIN_SALT_BYTES
    );
  } catch {
    return true;
  }
}

const phcBase64 = (bytes: Buffer) => bytes.toString('base64').replace(/=+$/, '');
const dummyHashes = new Map<string, string>();

/** A well-formed hash with these parameters that no password matches (random salt and random digest). */
function dummyHash(params: Readonly<Argon2Params>): string {
  const key = `${params.memoryCost},${params.timeCost},${params.parallelism}`;
  let h = dummyHashes.get(key);
  if (!h) {
    h = `$argon2id$v=19$m=${params.memoryCost},t=${params.timeCost},p=${params.parallelism}$${phcBase64(randomBytes(MIN_SALT_BYTES))}$${phcBase64(randomBytes(OUTPUT_BYTES))}`;
    dummyHashes.set(key, h);
  }
  return h;
}

/**
 * Spends what verifyPassword spends (one full argon2id computation with ARGON2_PARAMS) and resolves to false.
 * Call it when the email is unknown, the account has no password or is not activated, so that the response time
 * does not tell whether an account exists. Built from a random hash string, so there is no start-up cost.
 */
export async function dummyVerify(password = '', params: Readonly<Argon2Params> = ARGON2_PARAMS): Promise<false> {
  await verify(dummyHash(params), secretBytes(password));
  return false;
}
