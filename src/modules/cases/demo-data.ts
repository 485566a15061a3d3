import { seededRandom } from '../../platform/random.js';
import { effectiveCategory } from './form-categories.js';
import { FORMS } from './forms.js';
import { officeForPrefix } from './offices.js';
import type { HistoryEntry, NewCaseWithHistory } from './repository.js';
import { findStatus } from './statuses.js';

/**
 * Realistic demo cases, deterministic from a seed number and an "as of" date: the same seed and date give the
 * same receipt numbers, forms, offices, statuses and histories. Used by `casedesk seed`, the first start, the
 * tests and the benchmarks (which load millions through the same generator).
 */

const DAY = 86_400_000;
const WEEK = 7 * DAY;
/** An average month, in milliseconds. */
const MONTH = 30.44 * DAY;

/** The statuses the generated timelines use, by step (every one is in the official catalog: a test checks). */
const STEP = {
  received: 'case-was-received',
  receivedEmailed: 'case-was-received-and-a-receipt-notice-was-emailed',
  feesWaived: 'fees-were-waived',
  rejectedUnsigned: 'case-was-rejected-because-i-did-not-sign-my-form',
  expediteReceived: 'expedite-request-received',
  expediteApproved: 'expedite-request-approved',
  biometricsScheduled: 'biometrics-appointment-was-scheduled',
  fingerprintsTaken: 'case-was-updated-to-show-fingerprints-were-taken',
  transferred: 'case-was-transferred-and-a-new-office-has-jurisdiction',
  rfeSent: 'request-for-additional-evidence-was-sent',
  rfeResponse: 'response-to-uscis-request-for-evidence-was-received',
  readyForInterview: 'case-is-ready-to-be-scheduled-for-an-interview',
  transferredForInterview: 'case-was-transferred-to-schedule-an-interview',
  interviewScheduled: 'interview-was-scheduled',
  interviewRescheduled: 'interview-was-rescheduled',
  interviewCompleted: 'interview-was-completed-and-my-case-must-be-reviewed',
  approved: 'case-was-approved',
  approvedEmailed: 'case-was-approved-and-my-decision-was-emailed',
  denied: 'case-was-denied',
  sentToState: 'case-was-sent-to-the-department-of-state',
  cardProduced: 'new-card-is-being-produced',
  cardMailed: 'card-was-mailed-to-me',
  cardPickedUp: 'card-was-picked-up-by-the-united-states-postal-service',
  cardDelivered: 'card-was-delivered-to-me-by-the-post-office',
  travelDocumentMailed: 'travel-document-was-mailed',
  documentMailed: 'document-was-mailed-to-me',
} as const;

/**
 * How a form's cases go, roughly as the agency's do: `path` the kind of timeline; `months` the median time from
 * receipt to decision at an average office in an average month; `spread` the log-normal's sigma (how right-skewed);
 * `rfe` and `denied` the shares of cases with a Request for Evidence and with a denial.
 */
interface FormProfile {
  path: 'card' | 'interview' | 'naturalization' | 'petition' | 'travel' | 'supporter' | 'simple';
  months: number;
  spread: number;
  rfe: number;
  denied: number;
}

const PROFILES: Record<string, FormProfile> = {
  'I-765': { path: 'card', months: 4, spread: 0.45, rfe: 0.1, denied: 0.06 },
  'I-90': { path: 'card', months: 10, spread: 0.4, rfe: 0.08, denied: 0.04 },
  'I-821': { path: 'card', months: 6.5, spread: 0.4, rfe: 0.15, denied: 0.08 },
  'I-751': { path: 'card', months: 18, spread: 0.35, rfe: 0.2, denied: 0.05 },
  'I-821D': { path: 'card', months: 5, spread: 0.4, rfe: 0.1, denied: 0.05 },
  'I-485': { path: 'interview', months: 11.5, spread: 0.4, rfe: 0.25, denied: 0.1 },
  'N-400': { path: 'naturalization', months: 6.8, spread: 0.35, rfe: 0.05, denied: 0.09 },
  'I-130': { path: 'petition', months: 14, spread: 0.35, rfe: 0.2, denied: 0.07 },
  'I-129': { path: 'petition', months: 3, spread: 0.5, rfe: 0.25, denied: 0.12 },
  'I-140': { path: 'petition', months: 7, spread: 0.45, rfe: 0.2, denied: 0.1 },
  'I-539': { path: 'petition', months: 9, spread: 0.45, rfe: 0.15, denied: 0.12 },
  'I-131': { path: 'travel', months: 8, spread: 0.4, rfe: 0.08, denied: 0.05 },
  'I-134A': { path: 'supporter', months: 1.5, spread: 0.6, rfe: 0, denied: 0.05 },
  'N-565': { path: 'simple', months: 8, spread: 0.45, rfe: 0, denied: 0.05 },
  'N-600': { path: 'simple', months: 10, spread: 0.45, rfe: 0, denied: 0.08 },
  'I-912': { path: 'simple', months: 1.2, spread: 0.5, rfe: 0, denied: 0.15 },
};

/** The median decision time of a form's cases at an average office in an average month, in months (tests use it). */
export function demoMedianMonths(formCode: string): number | undefined {
  return PROFILES[formCode]?.months;
}

/**
 * Each category's share of its form's cases and how much slower (> 1) or faster than the form's median it goes,
 * by catalog code (form-categories.ts). The factors average about 1 over the shares, so the form's median holds.
 */
const CATEGORY_MIX: Record<string, Record<string, { share: number; factor: number }>> = {
  'I-130': {
    'usc-immediate': { share: 0.55, factor: 0.85 },
    'usc-other': { share: 0.2, factor: 1.35 },
    lpr: { share: 0.25, factor: 1.1 },
  },
  'I-131': {
    'advance-parole': { share: 0.7, factor: 0.9 },
    'reentry-permit': { share: 0.18, factor: 1.25 },
    'refugee-travel': { share: 0.12, factor: 1.3 },
  },
  'I-485': {
    employment: { share: 0.3, factor: 1.15 },
    family: { share: 0.5, factor: 0.9 },
    'asylee-refugee': { share: 0.12, factor: 1.25 },
    other: { share: 0.08, factor: 1.0 },
  },
  'I-765': {
    c09: { share: 0.4, factor: 0.85 },
    c08: { share: 0.3, factor: 1.25 },
    other: { share: 0.3, factor: 1.0 },
  },
};

/**
 * Offices: how much slower (> 1) than average each works, and its backlog wave: the factor for cases received in a
 * month is `speed × (1 + amplitude × sin(2π × month / period + phase))`, so each office's backlog grows and shrinks
 * over the 30 months the demo cases span, out of step with the others.
 */
const OFFICE_PACE: Record<string, { speed: number; amplitude: number; period: number; phase: number }> = {
  VSC: { speed: 1.1, amplitude: 0.3, period: 20, phase: 0.4 },
  NSC: { speed: 0.95, amplitude: 0.25, period: 24, phase: 2.1 },
  TSC: { speed: 1.0, amplitude: 0.35, period: 18, phase: 4.0 },
  CSC: { speed: 1.15, amplitude: 0.25, period: 26, phase: 1.2 },
  PSC: { speed: 0.9, amplitude: 0.3, period: 16, phase: 5.2 },
  NBC: { speed: 1.0, amplitude: 0.3, period: 22, phase: 3.1 },
  'FO-NYC': { speed: 1.3, amplitude: 0.3, period: 20, phase: 0.9 },
  'FO-LOS': { speed: 1.2, amplitude: 0.35, period: 24, phase: 2.8 },
  'FO-MIA': { speed: 1.05, amplitude: 0.3, period: 18, phase: 4.6 },
  'FO-HOU': { speed: 0.85, amplitude: 0.25, period: 22, phase: 1.7 },
  'FO-CHI': { speed: 0.95, amplitude: 0.3, period: 26, phase: 5.9 },
};
const AVERAGE_PACE = { speed: 1, amplitude: 0.25, period: 22, phase: 0 };

/**
 * How much longer than the form's median a case received at this office in this month takes (speed times backlog).
 * `month` counts months since January 1970 (UTC), so an office's backlog is the same whatever the as-of date.
 */
export function demoOfficeFactor(officeCode: string, receivedAt: Date): number {
  const pace = OFFICE_PACE[officeCode] ?? AVERAGE_PACE;
  const month = receivedAt.getUTCFullYear() * 12 + receivedAt.getUTCMonth();
  return pace.speed * (1 + pace.amplitude * Math.sin((2 * Math.PI * month) / pace.period + pace.phase));
}

/** Relative weights: how often each form is seen (roughly the agency's mix). */
const FORM_WEIGHTS: Record<string, number> = {
  'I-765': 22,
  'I-130': 14,
  'I-485': 12,
  'N-400': 12,
  'I-90': 8,
  'I-131': 7,
  'I-539': 4,
  'I-821': 4,
  'I-129': 4,
  'I-140': 3,
  'I-751': 3,
  'I-134A': 2,
  'I-821D': 2,
  'N-565': 1,
  'N-600': 1,
  'I-912': 1,
};

/** Receipt dates spread over this many days before the as-of date (about 30 months). */
const SPAN_DAYS = 913;
const PAPER_PREFIXES = ['EAC', 'LIN', 'SRC', 'WAC', 'MSC', 'YSC'];
const IOE_CENTERS = ['VSC', 'NSC', 'TSC', 'CSC', 'PSC'];
const FIELD_OFFICES = ['FO-NYC', 'FO-LOS', 'FO-MIA', 'FO-HOU', 'FO-CHI'];
const CARD_TRACKING_STATUSES = new Set([
  'card-was-picked-up-by-the-united-states-postal-service',
  'card-was-delivered-to-me-by-the-post-office',
  'card-is-being-returned-to-uscis-by-post-office',
]);

/** The agency sandbox's published test receipt numbers: the first three have a history, the last three do not. */
export const SANDBOX_RECEIPTS = {
  withHistory: ['EAC9999103403', 'LIN9999106498', 'SRC9999102777'],
  withoutHistory: ['EAC9999103400', 'LIN9999106501', 'SRC9999132694'],
} as const;

/** The sandbox cases say no category: they count under their form's fallback one. */
function sandboxCases(asOf: Date): NewCaseWithHistory[] {
  const at = (daysAgo: number) => new Date(asOf.getTime() - daysAgo * DAY + 14 * 3600_000);
  const entry = (statusKey: string, daysAgo: number): HistoryEntry => ({ statusKey, occurredAt: at(daysAgo) });
  return [
    {
      receiptNumber: 'EAC9999103403',
      formCode: 'I-130',
      formCategory: effectiveCategory('I-130', null),
      officeCode: 'VSC',
      receivedAt: at(400),
      statusParams: {},
      history: [
        entry('case-was-received', 400),
        entry('request-for-additional-evidence-was-sent', 200),
        entry('response-to-uscis-request-for-evidence-was-received', 150),
        entry('case-was-approved', 20),
      ],
    },
    {
      receiptNumber: 'LIN9999106498',
      formCode: 'I-765',
      formCategory: effectiveCategory('I-765', null),
      officeCode: 'NSC',
      receivedAt: at(120),
      statusParams: { tracking_number: 'EJ123456789US' },
      history: [
        entry('case-was-received', 120),
        entry('biometrics-appointment-was-scheduled', 100),
        entry('case-was-updated-to-show-fingerprints-were-taken', 85),
        entry('case-was-approved', 30),
        entry('new-card-is-being-produced', 29),
        entry('card-was-mailed-to-me', 25),
        entry('card-was-picked-up-by-the-united-states-postal-service', 24),
      ],
    },
    {
      receiptNumber: 'SRC9999102777',
      formCode: 'I-485',
      formCategory: effectiveCategory('I-485', null),
      officeCode: 'TSC',
      receivedAt: at(300),
      statusParams: {},
      history: [
        entry('case-was-received', 300),
        entry('biometrics-appointment-was-scheduled', 280),
        entry('case-was-updated-to-show-fingerprints-were-taken', 265),
        entry('case-was-transferred-to-schedule-an-interview', 120),
        entry('interview-was-scheduled', 30),
      ],
    },
    {
      receiptNumber: 'EAC9999103400',
      formCode: 'I-130',
      formCategory: effectiveCategory('I-130', null),
      officeCode: 'VSC',
      receivedAt: at(15),
      statusParams: {},
      history: [entry('case-was-received', 15)],
    },
    {
      receiptNumber: 'LIN9999106501',
      formCode: 'I-765',
      formCategory: effectiveCategory('I-765', null),
      officeCode: 'NSC',
      receivedAt: at(10),
      statusParams: {},
      history: [entry('case-was-received', 10)],
    },
    {
      receiptNumber: 'SRC9999132694',
      formCode: 'I-485',
      formCategory: effectiveCategory('I-485', null),
      officeCode: 'TSC',
      receivedAt: at(45),
      statusParams: {},
      history: [entry('case-was-received', 45)],
    },
  ];
}

export interface DemoDataOptions {
  seed: number;
  /** How many cases beyond the six sandbox cases. */
  count: number;
  /** Histories end on or before this date. */
  asOf: Date;
  /** Leave out the six sandbox cases (the bulk loader adds to data that has them). */
  withoutSandbox?: boolean;
  /** Receipt numbers already taken (the generator never yields them). */
  exclude?: Set<string>;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** A category of the form drawn by its share (null for a form without categories). */
function pickCategory(formCode: string, rand: () => number): string | null {
  const mix = CATEGORY_MIX[formCode];
  if (!mix) return effectiveCategory(formCode, null);
  let r = rand();
  const entries = Object.entries(mix);
  for (const [code, { share }] of entries) if ((r -= share) < 0) return code;
  return entries[0]![0];
}

/** A standard normal number (Box-Muller): the log-normal decision times come from it. */
function normal(rand: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
}

/**
 * One case's whole timeline from its receipt (`t0`) to its decision `decideAt` and what follows it, as dated steps
 * in order (times in milliseconds; the caller cuts it at the as-of date). The decision may move later than drawn
 * when the steps before it need the time (an RFE and its answer, an interview).
 */
function timeline(
  rand: () => number,
  profile: FormProfile,
  formCode: string,
  category: string | null,
  t0: number,
  decideAt: number,
): [string, number][] {
  const between = (a: number, b: number) => a + rand() * (b - a);
  const steps: [string, number][] = [];
  const add = (key: string, at: number) => steps.push([key, at]);
  let decision = decideAt;
  const denied = rand() < profile.denied;
  const rfe = rand() < profile.rfe;
  /** A Request for Evidence somewhere after `from`: the decision waits for the answer and the review. */
  const requestEvidence = (from: number) => {
    const sent = Math.max(from + between(1, 3) * WEEK, t0 + (decision - t0) * between(0.35, 0.65));
    const answered = sent + between(4, 12) * WEEK;
    add(STEP.rfeSent, sent);
    add(STEP.rfeResponse, answered);
    decision = Math.max(decision + between(1, 3) * MONTH, answered + between(2, 6) * WEEK);
    return answered;
  };
  const biometrics = () => {
    const scheduled = t0 + between(2, 5) * WEEK;
    const taken = scheduled + between(1, 3) * WEEK;
    add(STEP.biometricsScheduled, scheduled);
    add(STEP.fingerprintsTaken, taken);
    return taken;
  };
  /** An interview after `from`: ready, scheduled (sometimes moved), held; the decision comes at it or some weeks later. */
  const interview = (from: number, leadWeeks: [number, number], sameDay: number) => {
    const ready = Math.max(from + between(2, 6) * WEEK, decision - between(...leadWeeks) * WEEK);
    add(rand() < 0.7 ? STEP.readyForInterview : STEP.transferredForInterview, ready);
    const scheduled = ready + between(2, 8) * WEEK;
    add(STEP.interviewScheduled, scheduled);
    let held = scheduled + between(4, 8) * WEEK;
    if (rand() < 0.12) {
      add(STEP.interviewRescheduled, scheduled + between(1, 3) * WEEK);
      held += between(4, 8) * WEEK;
    }
    add(STEP.interviewCompleted, held);
    decision = Math.max(decision, held + (rand() < sameDay ? 3 * 3600_000 : between(1, 5) * WEEK));
  };
  switch (profile.path) {
    case 'card': {
      add(STEP.received, t0);
      const taken = biometrics();
      if (rfe) requestEvidence(taken);
      decision = Math.max(decision, taken + between(1, 4) * WEEK);
      if (denied) add(STEP.denied, decision);
      else {
        add(STEP.approved, decision);
        const produced = decision + between(1, 6) * DAY;
        const mailed = produced + between(2, 8) * DAY;
        add(STEP.cardProduced, produced);
        add(STEP.cardMailed, mailed);
        if (rand() < 0.6) {
          const pickedUp = mailed + between(0.2, 2) * DAY;
          add(STEP.cardPickedUp, pickedUp);
          if (rand() < 0.7) add(STEP.cardDelivered, pickedUp + between(2, 5) * DAY);
        }
      }
      break;
    }
    case 'interview':
    case 'naturalization': {
      add(STEP.received, t0);
      let before = biometrics();
      if (rfe) before = requestEvidence(before);
      const adjustment = profile.path === 'interview';
      // Employment-based adjustments are often decided without an interview.
      const interviewed = !adjustment || rand() < (category === 'employment' ? 0.35 : 0.8);
      if (interviewed) interview(before, adjustment ? [10, 24] : [6, 14], adjustment ? 0.15 : 0.45);
      else decision = Math.max(decision, before + between(2, 8) * WEEK);
      if (denied) add(STEP.denied, decision);
      else {
        add(STEP.approved, decision);
        if (adjustment) {
          const produced = decision + between(1, 3) * WEEK;
          add(STEP.cardProduced, produced);
          add(STEP.cardMailed, produced + between(3, 10) * DAY);
        }
      }
      break;
    }
    case 'petition': {
      add(STEP.received, t0);
      if (rand() < 0.06) add(STEP.transferred, t0 + (decision - t0) * between(0.1, 0.3));
      if (rfe) requestEvidence(t0 + (decision - t0) * 0.3);
      if (denied) add(STEP.denied, decision);
      else {
        add(STEP.approved, decision);
        // Relatives abroad: the approved petition goes on to the Department of State (consular processing).
        if (formCode === 'I-130' && rand() < 0.35) add(STEP.sentToState, decision + between(2, 6) * WEEK);
      }
      break;
    }
    case 'travel': {
      add(STEP.received, t0);
      const expedited = rand() < 0.06;
      if (expedited) {
        const asked = t0 + between(1, 3) * WEEK;
        add(STEP.expediteReceived, asked);
        add(STEP.expediteApproved, asked + between(1, 2) * WEEK);
        decision = asked + between(4, 8) * WEEK;
      } else {
        const taken = biometrics();
        if (rfe) requestEvidence(taken);
        decision = Math.max(decision, taken + between(2, 6) * WEEK);
      }
      if (denied) add(STEP.denied, decision);
      else {
        add(STEP.approved, decision);
        add(expedited ? STEP.documentMailed : STEP.travelDocumentMailed, decision + between(3, 12) * DAY);
      }
      break;
    }
    case 'supporter':
      add(STEP.receivedEmailed, t0);
      add(denied ? STEP.denied : STEP.approvedEmailed, Math.max(decision, t0 + 3 * DAY));
      break;
    case 'simple': {
      add(STEP.received, t0);
      if (rand() < 0.03) {
        add(STEP.rejectedUnsigned, t0 + between(1, 3) * WEEK);
        break;
      }
      if (rand() < 0.3) {
        const waived = t0 + between(1, 4) * WEEK;
        add(STEP.feesWaived, waived);
        decision = Math.max(decision, waived + between(1, 3) * WEEK);
      }
      add(denied ? STEP.denied : STEP.approved, decision);
      break;
    }
  }
  return steps.sort((a, b) => a[1] - b[1]);
}

/**
 * Yields the sandbox cases, then `count` generated ones, lazily (the bulk loader streams millions). Each generated
 * case is received some day of the 30 months before `asOf` and decided after a log-normal time whose median is its
 * form's (PROFILES), times its category's factor, times its office's speed and backlog in its receipt month; its
 * history holds the steps of its timeline up to `asOf` (a case decided later is still open).
 */
export function* generateDemoCases(options: DemoDataOptions): Generator<NewCaseWithHistory> {
  const rand = seededRandom(options.seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)]!;
  const weighted = Object.entries(FORM_WEIGHTS);
  const totalWeight = weighted.reduce((s, [, w]) => s + w, 0);
  const pickForm = (): string => {
    let r = rand() * totalWeight;
    for (const [code, w] of weighted) if ((r -= w) < 0) return code;
    return weighted[0]![0];
  };
  const seen = options.exclude ?? new Set<string>();
  for (const c of sandboxCases(options.asOf)) {
    if (options.withoutSandbox || seen.has(c.receiptNumber)) continue;
    seen.add(c.receiptNumber);
    yield c;
  }
  const asOf = options.asOf.getTime();
  const onlineForms = new Set(FORMS.filter((f) => f.onlineFiling).map((f) => f.code));
  for (let i = 0; i < options.count; i++) {
    const formCode = pickForm();
    const profile = PROFILES[formCode]!;
    const formCategory = pickCategory(formCode, rand);
    const ageDays = 5 + Math.floor(rand() * SPAN_DAYS);
    const receivedAt = new Date(Math.floor((asOf - ageDays * DAY + rand() * 9 * 3600_000) / 1000) * 1000);
    const prefix = onlineForms.has(formCode) && rand() < 0.7 ? 'IOE' : pick(PAPER_PREFIXES);
    const officeCode =
      (formCode === 'N-400' || formCode === 'I-485') && rand() < 0.6
        ? pick(FIELD_OFFICES)
        : prefix === 'IOE'
          ? pick(IOE_CENTERS)
          : officeForPrefix(prefix).code;
    // Receipt: prefix, 2-digit fiscal year, 3-digit workday, 5-digit sequence (unique within the data set).
    const year = receivedAt.getUTCFullYear() % 100;
    const dayOfYear = Math.floor((receivedAt.getTime() - Date.UTC(receivedAt.getUTCFullYear(), 0, 1)) / DAY) + 1;
    let receiptNumber: string;
    do {
      receiptNumber = `${prefix}${pad(year, 2)}${pad(dayOfYear, 3)}${pad(Math.floor(rand() * 100_000), 5)}`;
    } while (seen.has(receiptNumber));
    seen.add(receiptNumber);
    const t0 = receivedAt.getTime();
    const median =
      profile.months *
      MONTH *
      (CATEGORY_MIX[formCode]?.[formCategory ?? '']?.factor ?? 1) *
      demoOfficeFactor(officeCode, receivedAt);
    const decideAt = t0 + Math.max(2 * WEEK, median * Math.exp(profile.spread * normal(rand)));
    const history: HistoryEntry[] = [];
    for (const [statusKey, at] of timeline(rand, profile, formCode, formCategory, t0, decideAt)) {
      if (at > asOf) break;
      history.push({ statusKey, occurredAt: new Date(Math.floor(at / 1000) * 1000) });
    }
    const current = history[history.length - 1]!.statusKey;
    const statusParams: Record<string, string> = {};
    if (CARD_TRACKING_STATUSES.has(current)) statusParams.tracking_number = `EJ${pad(Math.floor(rand() * 1e9), 9)}US`;
    const applicant = PAPER_PREFIXES.includes(prefix)
      ? demoApplicant(options.seed, receiptNumber, receivedAt)
      : undefined;
    yield {
      receiptNumber,
      formCode,
      formCategory,
      officeCode,
      receivedAt,
      statusParams,
      history,
      ...(applicant ? { applicant } : {}),
    };
  }
}

/** Family names of the demo applicants: some with accents, as the agency's records write them. */
const FAMILY_NAMES = [
  'Garcia',
  'Nguyen',
  'Smith',
  'Hernández',
  'Kim',
  'Patel',
  'Okafor',
  'López',
  'Chen',
  'Rodriguez',
  'Núñez García',
  'Johnson',
  'Singh',
  'Martinez',
  'Haddad',
  'Kowalski',
];
const ZIPS = ['10001', '11368', '33125', '60629', '77036', '90011', '94110', '98104', '20011', '85009'];

/** A number from a text (FNV-1a), so each case's applicant depends on its receipt number only. */
function hashOf(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/**
 * The applicant of a generated legacy paper case, as the agency's records know them: what "add a case by receipt
 * number" asks (family name and date of birth, CASE-6) and what an agent may ask a caller. Drawn from its own random
 * numbers, so adding it changed none of the generated cases.
 */
export function demoApplicant(
  seed: number,
  receiptNumber: string,
  receivedAt: Date,
): { familyName: string; dateOfBirth: string; zip: string; aNumber: string } {
  const rand = seededRandom(hashOf(`${seed}:${receiptNumber}`));
  const familyName = FAMILY_NAMES[Math.floor(rand() * FAMILY_NAMES.length)]!;
  const age = 18 + Math.floor(rand() * 60);
  const born = new Date(receivedAt.getTime() - age * 365.25 * DAY - Math.floor(rand() * 365) * DAY);
  const zip = ZIPS[Math.floor(rand() * ZIPS.length)]!;
  const aNumber = `A${pad(Math.floor(rand() * 1e9), 9)}`;
  return { familyName, dateOfBirth: born.toISOString().slice(0, 10), zip, aNumber };
}

/** Every status key used by the generator exists in the official catalog (checked by a test). */
export function demoStatusKeys(): string[] {
  return [
    ...new Set([...Object.values(STEP), ...sandboxCases(new Date()).flatMap((c) => c.history.map((h) => h.statusKey))]),
  ];
}

export function unknownDemoStatusKeys(): string[] {
  return demoStatusKeys().filter((k) => !findStatus(k));
}
