import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { unknownDemoStatusKeys, generateDemoCases, SANDBOX_RECEIPTS } from './demo-data.js';
import { FORMS, formLongName } from './forms.js';
import { allStatuses, fillTemplate } from './statuses.js';

const placeholders = (text: string) => (text.match(/\{[a-z_0-9]+\}/g) ?? []).sort();

describe('status catalog', () => {
  const statuses = allStatuses();

  it('has every official status, with a Spanish title and description using the same placeholders', () => {
    const official = JSON.parse(
      readFileSync(new URL('./data/case-statuses.en.json', import.meta.url), 'utf8'),
    ) as unknown[];
    expect(statuses).toHaveLength(official.length);
    expect(statuses).toHaveLength(111);
    for (const s of statuses) {
      expect(s.titleEs.trim()).not.toBe('');
      expect(s.titleEs).not.toBe(s.titleEn);
      expect(placeholders(s.templateEs)).toEqual(placeholders(s.templateEn));
    }
    expect(new Set(statuses.map((s) => s.key)).size).toBe(statuses.length);
  });

  it('fills templates and shows a missing value instead of dropping it', () => {
    expect(fillTemplate('On {date}, {receipt_number}.', { date: 'May 1, 2026', receipt_number: 'EAC9999103403' })).toBe(
      'On May 1, 2026, EAC9999103403.',
    );
    expect(fillTemplate('Track {tracking_number}.', {})).toBe('Track [tracking_number].');
  });
});

describe('forms catalog', () => {
  it('names the forms the agency handles, in both languages', () => {
    const codes = FORMS.map((f) => f.code);
    for (const code of [
      'I-90',
      'I-130',
      'I-131',
      'I-134A',
      'I-485',
      'I-539',
      'I-765',
      'I-821',
      'I-912',
      'N-400',
      'N-565',
      'N-600',
      'AR-11',
      'G-28',
    ]) {
      expect(codes).toContain(code);
    }
    expect(formLongName('I-765', 'en')).toBe('Form I-765, Application for Employment Authorization');
    expect(formLongName('I-765', 'es')).toBe('Formulario I-765, Solicitud de Autorización de Empleo');
  });
});

describe('demo data', () => {
  const asOf = new Date('2026-11-01T00:00:00Z');

  it('uses only statuses from the official catalog', () => {
    expect(unknownDemoStatusKeys()).toEqual([]);
  });

  it('is deterministic from the seed number, and another seed gives other data', () => {
    const a = [...generateDemoCases({ seed: 7, count: 200, asOf })];
    const b = [...generateDemoCases({ seed: 7, count: 200, asOf })];
    const c = [...generateDemoCases({ seed: 8, count: 200, asOf })];
    expect(a).toEqual(b);
    expect(a.map((x) => x.receiptNumber)).not.toEqual(c.map((x) => x.receiptNumber));
  });

  it('always includes the agency sandbox receipt numbers, with and without history', () => {
    const cases = [...generateDemoCases({ seed: 1, count: 0, asOf })];
    for (const r of SANDBOX_RECEIPTS.withHistory)
      expect(cases.find((c) => c.receiptNumber === r)!.history.length).toBeGreaterThan(1);
    for (const r of SANDBOX_RECEIPTS.withoutHistory)
      expect(cases.find((c) => c.receiptNumber === r)!.history).toHaveLength(1);
  });

  it('gives unique, valid receipt numbers and histories in date order that end by the as-of date', () => {
    const cases = [...generateDemoCases({ seed: 3, count: 5000, asOf })];
    expect(new Set(cases.map((c) => c.receiptNumber)).size).toBe(cases.length);
    for (const c of cases) {
      expect(c.receiptNumber).toMatch(/^[A-Z]{3}\d{10}$/);
      const times = c.history.map((h) => h.occurredAt.getTime());
      expect([...times].sort((x, y) => x - y)).toEqual(times);
      expect(times.at(-1)!).toBeLessThanOrEqual(asOf.getTime());
      expect(times[0]).toBe(c.receivedAt.getTime());
    }
    expect(new Set(cases.map((c) => c.formCode)).size).toBeGreaterThan(10);
    expect(new Set(cases.map((c) => c.history.at(-1)!.statusKey)).size).toBeGreaterThan(15);
  });
});
