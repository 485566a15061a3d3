import type { StaffRole } from '../../platform/db/tables.js';

/**
 * The one capability policy (issue 4 item 4; CASE-3, CASE-4, CASE-6, CASE-7, CC-6): what a case offers in an
 * account, and who may see it at all. Every page, API and the agent console ask here rather than deciding.
 */

export const CASE_FEATURES = [
  'status',
  'history',
  'notifications',
  'notices',
  'receipt_notice',
  'evidence_upload',
  'rfe_response',
  'secure_messages',
  'estimates',
  // Rescheduling a biometrics appointment online (BIO-2): a case processed electronically; CASE-6 cases by phone.
  'biometrics_reschedule',
] as const;
export type CaseFeature = (typeof CASE_FEATURES)[number];

export interface CaseForCapabilities {
  receiptNumber: string;
  formCode: string;
  filingChannel: 'online' | 'paper';
}

/** IOE: filed online or processed electronically (CASE-1). */
export function isIoe(receiptNumber: string): boolean {
  return receiptNumber.startsWith('IOE');
}

/**
 * The features of a case in an account:
 * - filed online: every feature (CASE-3);
 * - a paper case with an IOE receipt number (linked with an Online Access Code): every feature but the receipt
 *   notice, which only paper I-90s have online (CASE-4);
 * - a paper case with a legacy receipt number: status, history and notifications only (CASE-6): nothing done online,
 *   not even a biometrics reschedule (the Contact Center's live route, CC-9).
 */
export function caseFeatures(c: CaseForCapabilities): ReadonlySet<CaseFeature> {
  if (c.filingChannel === 'online') return new Set(CASE_FEATURES);
  if (isIoe(c.receiptNumber))
    return new Set(CASE_FEATURES.filter((f) => f !== 'receipt_notice' || c.formCode === 'I-90'));
  return new Set<CaseFeature>(['status', 'history', 'notifications']);
}

/** How a person may add a paper case to their account (CASE-4, CASE-6, CASE-7); online-filed cases arrive by themselves. */
export function howToAdd(
  receiptNumber: string,
  accountKind: 'applicant' | 'representative',
): 'online_access_code' | 'receipt_number' | 'not_allowed' {
  if (isIoe(receiptNumber)) return 'online_access_code';
  return accountKind === 'representative' ? 'not_allowed' : 'receipt_number';
}

/**
 * Whether a case may be linked to an account from details other people may know (receipt number, family name, date
 * of birth: CASE-6): never a Section 1367 case (CC-6), whose holder links it with an Online Access Code or through
 * Tier 3. Links made that way before the protection are suspended for review (case-events, migration 0029).
 */
export function mayLinkByReceiptNumber(c: { section1367: boolean }): boolean {
  return !c.section1367;
}

/**
 * COA-1: the online change of address is for everyone with an account except the Section 1367 (VAWA, T, U)
 * population: an account that holds a protected case is not offered it (the Contact Center's Tier 3 or the paper
 * form serves them, so that nobody the person must be protected from learns or changes where they live).
 */
export function mayChangeAddressOnline(casesOfAccount: readonly { section1367: boolean }[]): boolean {
  return !casesOfAccount.some((c) => c.section1367);
}

/**
 * Who among staff may see Section 1367 (VAWA, T, U) cases and their service items (CC-6): Tier 3, and officers who
 * hold the `protected_cases` designation (the unit that adjudicates VAWA, T and U cases, granted by administrators).
 * Never Tier 1 or 2, other officers, the help desk, quality assurance or administrators as such.
 */
export function maySeeProtectedCases(roles: readonly StaffRole[]): boolean {
  return roles.includes('tier3') || (roles.includes('officer') && roles.includes('protected_cases'));
}

export type CaseViewer =
  { kind: 'account'; linked: boolean } | { kind: 'staff'; roles: readonly StaffRole[] } | { kind: 'public' };

/**
 * Whether a viewer may see a case's data. An account sees only the cases linked to it. Staff see cases, except
 * Section 1367 ones, which only those maySeeProtectedCases allows see. Case Status Online (public) shows a status
 * by receipt number, except for Section 1367 cases, which it treats as unknown.
 */
export function maySeeCase(c: { section1367: boolean }, viewer: CaseViewer): boolean {
  switch (viewer.kind) {
    case 'account':
      return viewer.linked;
    case 'staff':
      return !c.section1367 || maySeeProtectedCases(viewer.roles);
    case 'public':
      return !c.section1367;
  }
}
