import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalizeReceiptNumber, parseReceiptNumber, RECEIPT_PREFIXES } from './receipt-number.js';

describe('receipt numbers (CASE-1)', () => {
  it.each([
    ['EAC9999103403', 'EAC9999103403'],
    ['eac9999103403', 'EAC9999103403'],
    ['EAC-999-910-3403', 'EAC9999103403'],
    [' ioe 9801141419 ', 'IOE9801141419'],
    ['Lin–9999106498', 'LIN9999106498'],
    ['ＥＡＣ９９９９１０３４０３', 'EAC9999103403'],
  ])('accepts %j as %s', (input, expected) => {
    expect(parseReceiptNumber(input)).toEqual({ ok: true, value: expected, prefix: expected.slice(0, 3) });
  });

  it.each([
    ['', { code: 'empty' }],
    ['   - ', { code: 'empty' }],
    ['EAC99991034O3!', { code: 'invalid_characters', characters: '!' }],
    ['EAC/9999103403', { code: 'invalid_characters', characters: '/' }],
    ['EAC999910340', { code: 'wrong_length', length: 12 }],
    ['EAC99991034031', { code: 'wrong_length', length: 14 }],
    ['EA99991034031', { code: 'wrong_shape' }],
    ['EAC999910340X', { code: 'wrong_shape' }],
    ['ABC9999103403', { code: 'unknown_prefix', prefix: 'ABC' }],
  ])('rejects %j with a precise problem', (input, problem) => {
    expect(parseReceiptNumber(input)).toEqual({ ok: false, problem });
  });

  it('rejects non-strings and absurdly long input without looking further', () => {
    expect(parseReceiptNumber(undefined)).toEqual({ ok: false, problem: { code: 'empty' } });
    expect(parseReceiptNumber(['EAC9999103403'])).toEqual({ ok: false, problem: { code: 'empty' } });
    expect(parseReceiptNumber('E'.repeat(41))).toMatchObject({ ok: false, problem: { code: 'wrong_length' } });
  });

  it('never throws, and anything it accepts is 3 known letters and 10 digits', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.string({ unit: 'binary' }),
          fc.stringMatching(/^[A-Za-z]{3}[-\s]?\d{3}[-\s]?\d{3}[-\s]?\d{4}$/),
        ),
        (input) => {
          const result = parseReceiptNumber(input);
          if (result.ok) {
            expect(result.value).toMatch(/^[A-Z]{3}\d{10}$/);
            expect(RECEIPT_PREFIXES).toContain(result.value.slice(0, 3));
          }
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('normalizing is idempotent', () => {
    fc.assert(
      fc.property(fc.string(), (s) => normalizeReceiptNumber(normalizeReceiptNumber(s)) === normalizeReceiptNumber(s)),
    );
  });
});
