import { seededRandom } from '../../platform/random.js';
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

/** How most paths begin: received, a biometrics appointment, fingerprints taken. */
const FINGERPRINTED = [
  'case-was-received',
  'biometrics-appointment-was-scheduled',
  'case-was-updated-to-show-fingerprints-were-taken',
];

/** Lifecycle paths: each case follows one and has progressed some way along it. */
const PATHS: Record<string, string[][]> = {
  card: [
    [
      ...FINGERPRINTED,
      'case-was-approved',
      'new-card-is-being-produced',
      'card-was-mailed-to-me',
      'card-was-picked-up-by-the-united-states-postal-service',
      'card-was-delivered-to-me-by-the-post-office',
    ],
    [
      ...FINGERPRINTED,
      'request-for-additional-evidence-was-sent',
      'response-to-uscis-request-for-evidence-was-received',
      'case-was-approved',
      'new-card-is-being-produced',
      'card-was-mailed-to-me',
    ],
    [...FINGERPRINTED, 'request-for-additional-evidence-was-sent', 'case-was-denied'],
  ],
  interview: [
    [
      ...FINGERPRINTED,
      'case-is-ready-to-be-scheduled-for-an-interview',
      'interview-was-scheduled',
      'interview-was-completed-and-my-case-must-be-reviewed',
      'case-was-approved',
      'new-card-is-being-produced',
      'card-was-mailed-to-me',
    ],
    [
      ...FINGERPRINTED,
      'case-was-transferred-to-schedule-an-interview',
      'interview-was-scheduled',
      'interview-was-rescheduled',
      'interview-was-completed-and-my-case-must-be-reviewed',
      'case-was-denied',
    ],
  ],
  naturalization: [
    [
      ...FINGERPRINTED,
      'case-is-ready-to-be-scheduled-for-an-interview',
      'interview-was-scheduled',
      'interview-was-completed-and-my-case-must-be-reviewed',
      'case-was-approved',
    ],
  ],
  petition: [
    ['case-was-received', 'case-was-approved'],
    [
      'case-was-received',
      'request-for-additional-evidence-was-sent',
      'response-to-uscis-request-for-evidence-was-received',
      'case-was-approved',
    ],
    [
      'case-was-received',
      'case-was-transferred-and-a-new-office-has-jurisdiction',
      'case-was-approved',
      'case-was-sent-to-the-department-of-state',
    ],
    ['case-was-received', 'request-for-additional-evidence-was-sent', 'case-was-denied'],
  ],
  travel: [
    [...FINGERPRINTED, 'case-was-approved', 'travel-document-was-mailed'],
    [
      'case-was-received',
      'expedite-request-received',
      'expedite-request-approved',
      'case-was-approved',
      'document-was-mailed-to-me',
    ],
  ],
  supporter: [['case-was-received-and-a-receipt-notice-was-emailed', 'case-was-approved-and-my-decision-was-emailed']],
  simple: [
    ['case-was-received', 'case-was-approved'],
    ['case-was-received', 'case-was-rejected-because-i-did-not-sign-my-form'],
    ['case-was-received', 'fees-were-waived', 'case-was-approved'],
  ],
};

const FORM_PATHS: Record<string, keyof typeof PATHS> = {
  'I-90': 'card',
  'I-765': 'card',
  'I-821': 'card',
  'I-751': 'card',
  'I-821D': 'card',
  'I-485': 'interview',
  'N-400': 'naturalization',
  'I-130': 'petition',
  'I-129': 'petition',
  'I-140': 'petition',
  'I-539': 'petition',
  'I-131': 'travel',
  'I-134A': 'supporter',
};

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

function sandboxCases(asOf: Date): NewCaseWithHistory[] {
  const at = (daysAgo: number) => new Date(asOf.getTime() - daysAgo * DAY + 14 * 3600_000);
  const entry = (statusKey: string, daysAgo: number): HistoryEntry => ({ statusKey, occurredAt: at(daysAgo) });
  return [
    {
      receiptNumber: 'EAC9999103403',
      formCode: 'I-130',
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
      officeCode: 'VSC',
      receivedAt: at(15),
      statusParams: {},
      history: [entry('case-was-received', 15)],
    },
    {
      receiptNumber: 'LIN9999106501',
      formCode: 'I-765',
      officeCode: 'NSC',
      receivedAt: at(10),
      statusParams: {},
      history: [entry('case-was-received', 10)],
    },
    {
      receiptNumber: 'SRC9999132694',
      formCode: 'I-485',
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

/** Yields the sandbox cases, then `count` generated ones, lazily (the bulk loader streams millions). */
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
  const onlineForms = new Set(FORMS.filter((f) => f.onlineFiling).map((f) => f.code));
  for (let i = 0; i < options.count; i++) {
    const formCode = pickForm();
    const path = pick(PATHS[FORM_PATHS[formCode] ?? 'simple']!);
    const steps = 1 + Math.floor(rand() * path.length);
    const ageDays = 5 + Math.floor(rand() * 900);
    const receivedAt = new Date(
      Math.floor((options.asOf.getTime() - ageDays * DAY + rand() * 9 * 3600_000) / 1000) * 1000,
    );
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
    // Steps spread over part of the case's age, in order: random gaps scaled to end on or before the as-of date.
    const span = options.asOf.getTime() - receivedAt.getTime();
    const gaps = Array.from({ length: steps - 1 }, () => 0.2 + rand());
    const scale = gaps.length ? (span * (0.5 + 0.5 * rand())) / gaps.reduce((a, b) => a + b, 0) : 0;
    const history: HistoryEntry[] = [{ statusKey: path[0]!, occurredAt: receivedAt }];
    let t = receivedAt.getTime();
    gaps.forEach((gap, i) => {
      t += Math.floor(gap * scale);
      history.push({ statusKey: path[i + 1]!, occurredAt: new Date(t) });
    });
    const current = history[history.length - 1]!.statusKey;
    const statusParams: Record<string, string> = {};
    if (CARD_TRACKING_STATUSES.has(current)) statusParams.tracking_number = `EJ${pad(Math.floor(rand() * 1e9), 9)}US`;
    const applicant = PAPER_PREFIXES.includes(prefix)
      ? demoApplicant(options.seed, receiptNumber, receivedAt)
      : undefined;
    yield {
      receiptNumber,
      formCode,
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
    ...new Set([
      ...Object.values(PATHS).flat(2),
      ...sandboxCases(new Date()).flatMap((c) => c.history.map((h) => h.statusKey)),
    ]),
  ];
}

export function unknownDemoStatusKeys(): string[] {
  return demoStatusKeys().filter((k) => !findStatus(k));
}
