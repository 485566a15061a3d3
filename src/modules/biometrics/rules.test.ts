import { describe, expect, it } from 'vitest';
import { expediteRefusal, rescheduleRefusal, type RescheduleAsk, type RescheduleFacts } from './rules.js';

/** BIO-2, BIO-3, CC-11, BIO-4: the reschedule rules as a table, every rule refusing once. */

const now = new Date('2026-11-23T15:00:00Z');
const soon = new Date('2026-12-10T14:00:00Z');
const facts: RescheduleFacts = {
  appointmentAt: soon,
  formCode: 'I-485',
  onlineReschedules: 0,
  offeredOnline: true,
  now,
};
const online: RescheduleAsk = { channel: 'online', reason: 'medical', reasonText: '' };
const agent: RescheduleAsk = { channel: 'agent', reason: 'work_or_care', reasonText: 'Caller works nights that week' };

describe('the reschedule rules (BIO-2, BIO-3, CC-11)', () => {
  const table: [string, Partial<RescheduleFacts>, Partial<RescheduleAsk>, ReturnType<typeof rescheduleRefusal>][] = [
    ['an appointment to come, a good cause: allowed', {}, {}, undefined],
    ['"other" with words: allowed', {}, { reason: 'other', reasonText: 'My car broke down' }, undefined],
    ['one online reschedule before: allowed', { onlineReschedules: 1 }, {}, undefined],
    ['no appointment', { appointmentAt: undefined }, {}, 'no_appointment'],
    ['the appointment has passed', { appointmentAt: new Date(now.getTime() - 1) }, {}, 'passed'],
    ['the appointment is now', { appointmentAt: now }, {}, 'passed'],
    ['rescheduled online twice already', { onlineReschedules: 2 }, {}, 'rescheduled_twice'],
    ['an I-600 case', { formCode: 'I-600' }, {}, 'form'],
    ['an I-600A case', { formCode: 'I-600A' }, {}, 'form'],
    ['an I-800 case', { formCode: 'I-800' }, {}, 'form'],
    ['an I-800A case', { formCode: 'I-800A' }, {}, 'form'],
    ['a CASE-6 paper case (status, history, notifications only)', { offeredOnline: false }, {}, 'paper_case'],
    ['no good cause', {}, { reason: '' }, 'good_cause'],
    ['a reason not of BIO-3', {}, { reason: 'bored' }, 'good_cause'],
    ['"other" without words', {}, { reason: 'other', reasonText: '   ' }, 'other_text'],
    ['a reason over 500 characters', {}, { reasonText: 'x'.repeat(501) }, 'too_long'],
  ];
  it.each(table)('online: %s', (_name, f, a, expected) => {
    expect(rescheduleRefusal({ ...facts, ...f }, { ...online, ...a })).toBe(expected);
  });

  const agentTable: [string, Partial<RescheduleFacts>, Partial<RescheduleAsk>, ReturnType<typeof rescheduleRefusal>][] =
    [
      ['an appointment to come, a reason and a note: allowed', {}, {}, undefined],
      ['rescheduled online twice: an agent may still', { onlineReschedules: 5 }, {}, undefined],
      ['an I-800 case: an agent may', { formCode: 'I-800' }, {}, undefined],
      ['a CASE-6 paper case: an agent may (CC-9)', { offeredOnline: false }, {}, undefined],
      ['never a first appointment (CC-11)', { appointmentAt: undefined }, {}, 'no_appointment'],
      ['not a passed one', { appointmentAt: new Date(now.getTime() - 60_000) }, {}, 'passed'],
      ['a note is required', {}, { reasonText: '' }, 'reason_text'],
      ['a good cause is required', {}, { reason: 'none' }, 'good_cause'],
    ];
  it.each(agentTable)('agent: %s', (_name, f, a, expected) => {
    expect(rescheduleRefusal({ ...facts, ...f }, { ...agent, ...a })).toBe(expected);
  });

  it('an expedite is Tier 2’s or Tier 3’s, with a reason, for an appointment to come (BIO-4, CC-6)', () => {
    const ok = { roles: ['tier1', 'tier2'] as const, reasonText: 'Travel for a medical emergency' };
    expect(expediteRefusal(facts, ok)).toBeUndefined();
    // Tier 3, who alone serves Section 1367 callers (CC-6), expedites their appointments too.
    expect(expediteRefusal(facts, { ...ok, roles: ['tier3'] })).toBeUndefined();
    expect(expediteRefusal(facts, { ...ok, roles: ['tier1'] })).toBe('not_tier2');
    expect(expediteRefusal(facts, { ...ok, roles: ['officer', 'protected_cases'] })).toBe('not_tier2');
    expect(expediteRefusal(facts, { ...ok, roles: [] })).toBe('not_tier2');
    expect(expediteRefusal({ ...facts, appointmentAt: undefined }, ok)).toBe('no_appointment');
    expect(expediteRefusal({ ...facts, appointmentAt: now }, ok)).toBe('passed');
    expect(expediteRefusal(facts, { ...ok, reasonText: ' ' })).toBe('reason_text');
    expect(expediteRefusal(facts, { ...ok, reasonText: 'x'.repeat(501) })).toBe('too_long');
  });

  it('has a message in both languages for every refusal', async () => {
    const { readFileSync } = await import('node:fs');
    const catalogs = ['en', 'es'].map(
      (l) =>
        JSON.parse(readFileSync(new URL(`../../../locales/${l}/biometrics.json`, import.meta.url), 'utf8')) as {
          refusal: Record<string, string>;
        },
    );
    const refusals = [...table, ...agentTable].map((r) => r[3]).filter((r) => r !== undefined);
    for (const c of catalogs)
      for (const r of [...refusals, 'not_tier2', 'no_earlier']) expect(c.refusal[r], r).toBeTruthy();
  });
});
