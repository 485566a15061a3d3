import { describe, expect, it } from 'vitest';
import { CASE_FEATURES, caseFeatures, howToAdd, maySeeCase, type CaseFeature } from './capabilities.js';

const ALL = [...CASE_FEATURES];
const BASIC: CaseFeature[] = ['status', 'history', 'notifications'];

describe('the capability policy, as a table (CASE-3, CASE-4, CASE-6, CASE-7, CC-6)', () => {
  const rows: [
    string,
    { receiptNumber: string; formCode: string; filingChannel: 'online' | 'paper' },
    CaseFeature[],
  ][] = [
    ['filed online (IOE)', { receiptNumber: 'IOE0900000001', formCode: 'I-765', filingChannel: 'online' }, ALL],
    ['filed online I-90', { receiptNumber: 'IOE0900000002', formCode: 'I-90', filingChannel: 'online' }, ALL],
    [
      'paper, IOE receipt, linked by OAC',
      { receiptNumber: 'IOE0900000003', formCode: 'I-765', filingChannel: 'paper' },
      ALL.filter((f) => f !== 'receipt_notice'),
    ],
    [
      'paper I-90, IOE receipt: its receipt notice is online',
      { receiptNumber: 'IOE0900000004', formCode: 'I-90', filingChannel: 'paper' },
      ALL,
    ],
    [
      'paper, legacy receipt (LIN)',
      { receiptNumber: 'LIN0900000005', formCode: 'I-130', filingChannel: 'paper' },
      BASIC,
    ],
    [
      'paper, legacy receipt (EAC)',
      { receiptNumber: 'EAC0900000006', formCode: 'I-90', filingChannel: 'paper' },
      BASIC,
    ],
    [
      'paper, legacy receipt (MSC)',
      { receiptNumber: 'MSC0900000007', formCode: 'I-485', filingChannel: 'paper' },
      BASIC,
    ],
  ];
  for (const [name, c, features] of rows) {
    it(`${name}: ${features.join(', ')}`, () => {
      expect([...caseFeatures(c)].sort()).toEqual([...features].sort());
    });
  }

  it('adding a paper case: IOE by Online Access Code, legacy by receipt number, never by a representative', () => {
    expect(howToAdd('IOE0900000001', 'applicant')).toBe('online_access_code');
    expect(howToAdd('IOE0900000001', 'representative')).toBe('online_access_code');
    expect(howToAdd('LIN0900000001', 'applicant')).toBe('receipt_number');
    expect(howToAdd('LIN0900000001', 'representative')).toBe('not_allowed');
  });

  const visibility: [string, boolean, Parameters<typeof maySeeCase>[1], boolean][] = [
    ['owner of an ordinary case', false, { kind: 'account', linked: true }, true],
    ['another account', false, { kind: 'account', linked: false }, false],
    ['owner of a Section 1367 case', true, { kind: 'account', linked: true }, true],
    ['another account, Section 1367 case', true, { kind: 'account', linked: false }, false],
    ['Tier 1, ordinary case', false, { kind: 'staff', roles: ['tier1'] }, true],
    ['Tier 1, Section 1367 case', true, { kind: 'staff', roles: ['tier1'] }, false],
    ['Tier 2, Section 1367 case', true, { kind: 'staff', roles: ['tier2'] }, false],
    ['Technical Help Desk, Section 1367 case', true, { kind: 'staff', roles: ['help_desk'] }, false],
    ['administrator, Section 1367 case', true, { kind: 'staff', roles: ['administrator'] }, false],
    ['Tier 3, Section 1367 case', true, { kind: 'staff', roles: ['tier3'] }, true],
    ['officer, Section 1367 case', true, { kind: 'staff', roles: ['officer'] }, false],
    [
      'officer with the protected cases designation, Section 1367 case',
      true,
      { kind: 'staff', roles: ['officer', 'protected_cases'] },
      true,
    ],
    ['officer, ordinary case', false, { kind: 'staff', roles: ['officer'] }, true],
    ['Case Status Online, ordinary case', false, { kind: 'public' }, true],
    ['Case Status Online, Section 1367 case', true, { kind: 'public' }, false],
  ];
  for (const [name, section1367, viewer, expected] of visibility) {
    it(`${name}: ${expected ? 'sees it' : 'does not see it'}`, () => {
      expect(maySeeCase({ section1367 }, viewer)).toBe(expected);
    });
  }
});
