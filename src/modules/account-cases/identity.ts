import type { Clock } from '../../platform/clock.js';
import type { DbHandle } from '../../platform/db/database.js';
import { sha256 } from '../../platform/hashing.js';
import {
  countSecurityEventsSince,
  identityVerifiedAt,
  lockedUntil,
  markIdentityVerified,
  recordSecurityEvent,
} from '../accounts/index.js';
import { FORMS } from '../cases/index.js';
import { identityFactsOf } from './repository.js';

/**
 * Verify your identity (ACC-8, issue 4 item 8): questions built from the agency's records of the cases in the
 * account: which form was filed in a given month, the last digits of the A-Number, the ZIP code of the mailing
 * address. Answering them raises the account's assurance level. The questions are computed from the records each
 * time (nothing to store between showing and checking them); 3 failed attempts in a day stop the online path.
 */

export const IDENTITY_MAX_FAILURES = 3;
export const IDENTITY_WINDOW_MS = 24 * 3600_000;
const FAILED = 'identity_failed';

export type IdentityQuestion =
  | { id: 'form'; month: Date; options: string[]; answer: string }
  | { id: 'a_number'; answer: string }
  | { id: 'zip'; answer: string };

export interface RecordFacts {
  formCode: string;
  receivedAt: Date;
  aNumber: string | null;
  zip: string | null;
}

/** Three other forms and the right one, in an order that depends on the account (stable between page and answer). */
function formOptions(correct: string, seed: string): string[] {
  const rank = (code: string) => sha256(`${seed}:${code}`);
  const others = FORMS.map((f) => f.code)
    .filter((c) => c !== correct)
    .sort((a, b) => rank(a).localeCompare(rank(b)))
    .slice(0, 3);
  return [correct, ...others].sort((a, b) => rank(a).localeCompare(rank(b)));
}

/** The questions the records allow (at least two are needed to verify online). */
export function questionsFor(facts: RecordFacts | undefined, seed: string): IdentityQuestion[] {
  if (!facts) return [];
  const questions: IdentityQuestion[] = [
    { id: 'form', month: facts.receivedAt, options: formOptions(facts.formCode, seed), answer: facts.formCode },
  ];
  if (facts.aNumber) questions.push({ id: 'a_number', answer: facts.aNumber.slice(-4) });
  if (facts.zip) questions.push({ id: 'zip', answer: facts.zip });
  return questions;
}

export type VerifyResult =
  { ok: true } | { ok: false; problem: 'no_records' | 'wrong' | 'locked' | 'incomplete'; until?: Date };

export class IdentityVerificationService {
  constructor(private readonly deps: { db: DbHandle; clock: Clock }) {}

  /** The newest linked case with identity details on record. */
  async #facts(accountId: string): Promise<RecordFacts | undefined> {
    const row = await identityFactsOf(this.deps.db, accountId);
    return row
      ? { formCode: row.form_code, receivedAt: row.received_at, aNumber: row.a_number, zip: row.zip }
      : undefined;
  }

  async state(
    accountId: string,
  ): Promise<{ verifiedAt: Date | null; questions: IdentityQuestion[]; lockedUntil?: Date }> {
    const verifiedAt = await identityVerifiedAt(this.deps.db, accountId);
    const questions = questionsFor(await this.#facts(accountId), accountId);
    return {
      verifiedAt,
      questions: questions.length >= 2 ? questions : [],
      lockedUntil: await this.#lockedUntil(accountId),
    };
  }

  async #lockedUntil(accountId: string): Promise<Date | undefined> {
    const rule = { kind: FAILED, max: IDENTITY_MAX_FAILURES, windowMs: IDENTITY_WINDOW_MS };
    return lockedUntil(this.deps.db, accountId, rule, this.deps.clock.now());
  }

  /** How many more wrong sets of answers are allowed before the online path stops for a day. */
  async attemptsLeft(accountId: string): Promise<number> {
    const since = new Date(this.deps.clock.now().getTime() - IDENTITY_WINDOW_MS);
    const { count } = await countSecurityEventsSince(this.deps.db, accountId, FAILED, since);
    return Math.max(0, IDENTITY_MAX_FAILURES - count);
  }

  /** Checks the answers; all must match. A wrong set counts toward the daily limit; which one was wrong is not said. */
  async verify(accountId: string, answers: Record<string, string>, ip?: string): Promise<VerifyResult> {
    const until = await this.#lockedUntil(accountId);
    if (until) return { ok: false, problem: 'locked', until };
    const questions = questionsFor(await this.#facts(accountId), accountId);
    if (questions.length < 2) return { ok: false, problem: 'no_records' };
    // Spaces and case do not matter ("12 345" is the ZIP code 12345).
    const given = questions.map((q) => (answers[q.id] ?? '').replace(/\s+/g, '').toUpperCase());
    if (given.some((a) => !a)) return { ok: false, problem: 'incomplete' };
    const now = this.deps.clock.now();
    if (questions.some((q, i) => given[i] !== q.answer.toUpperCase())) {
      await recordSecurityEvent(this.deps.db, { accountId, kind: FAILED, at: now, ip });
      const lockedUntil = await this.#lockedUntil(accountId);
      return lockedUntil ? { ok: false, problem: 'locked', until: lockedUntil } : { ok: false, problem: 'wrong' };
    }
    await markIdentityVerified(this.deps.db, accountId, now);
    await recordSecurityEvent(this.deps.db, { accountId, kind: 'identity_verified', at: now, ip });
    return { ok: true };
  }
}
