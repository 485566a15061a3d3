/**
 * Receipt numbers (CASE-1): three letters and ten digits, e.g. IOE9801141419 or EAC2190000049.
 * People type them with spaces, dashes or in lower case; we normalize first, then validate, and say precisely
 * what is wrong. Pure functions: no I/O.
 */

/** IOE: filed online or processed electronically. The others are the service centers' and lockboxes' prefixes. */
export const RECEIPT_PREFIXES = [
  'IOE',
  'EAC',
  'ESC',
  'LIN',
  'MSC',
  'NBC',
  'SRC',
  'WAC',
  'YSC',
  'VSC',
  'CSC',
  'NSC',
  'TSC',
] as const;
export type ReceiptPrefix = (typeof RECEIPT_PREFIXES)[number];

export type ReceiptNumberProblem =
  | { code: 'empty' }
  | { code: 'invalid_characters'; characters: string }
  | { code: 'wrong_length'; length: number }
  | { code: 'wrong_shape' }
  | { code: 'unknown_prefix'; prefix: string };

export type ReceiptNumberResult =
  { ok: true; value: string; prefix: ReceiptPrefix } | { ok: false; problem: ReceiptNumberProblem };

/** Longest input we look at; anything longer is certainly not a receipt number. */
export const RECEIPT_INPUT_MAX_LENGTH = 40;

const SEPARATORS = /[\s\-–—_.]/g;

export function normalizeReceiptNumber(input: string): string {
  return input.normalize('NFKC').replace(SEPARATORS, '').toUpperCase();
}

export function parseReceiptNumber(input: unknown): ReceiptNumberResult {
  if (typeof input !== 'string') return { ok: false, problem: { code: 'empty' } };
  if (input.length > RECEIPT_INPUT_MAX_LENGTH)
    return { ok: false, problem: { code: 'wrong_length', length: input.length } };
  const value = normalizeReceiptNumber(input);
  if (value.length === 0) return { ok: false, problem: { code: 'empty' } };
  const bad = [...new Set(value.replace(/[A-Z0-9]/g, ''))].join('');
  if (bad) return { ok: false, problem: { code: 'invalid_characters', characters: bad } };
  if (value.length !== 13) return { ok: false, problem: { code: 'wrong_length', length: value.length } };
  if (!/^[A-Z]{3}[0-9]{10}$/.test(value)) return { ok: false, problem: { code: 'wrong_shape' } };
  const prefix = value.slice(0, 3);
  if (!(RECEIPT_PREFIXES as readonly string[]).includes(prefix))
    return { ok: false, problem: { code: 'unknown_prefix', prefix } };
  return { ok: true, value, prefix: prefix as ReceiptPrefix };
}

/** A catalog key and its values that explain the problem to a person (locales/<lang>/cases.json). */
export function receiptProblemMessage(problem: ReceiptNumberProblem): {
  key: string;
  values: Record<string, string | number>;
} {
  switch (problem.code) {
    case 'empty':
      return { key: 'cases:receipt.errors.empty', values: {} };
    case 'invalid_characters':
      return { key: 'cases:receipt.errors.invalid_characters', values: { characters: problem.characters } };
    case 'wrong_length':
      return { key: 'cases:receipt.errors.wrong_length', values: { count: problem.length } };
    case 'wrong_shape':
      return { key: 'cases:receipt.errors.wrong_shape', values: {} };
    case 'unknown_prefix':
      return {
        key: 'cases:receipt.errors.unknown_prefix',
        values: { prefix: problem.prefix, prefixes: RECEIPT_PREFIXES.join(', ') },
      };
  }
}
