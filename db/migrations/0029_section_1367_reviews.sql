-- Section 1367 (VAWA, T, U) privacy across surfaces (issue 13 items 1 and 6; CC-6).

-- Links made by receipt number (CASE-6: receipt number, family name and date of birth, which others may know) are
-- suspended when their case becomes protected, until the agency confirms the holder (confirmed_at) or removes the
-- link. A suspended link gives nothing: no case card, no history, no messages about the case.
ALTER TABLE account_cases
  ADD COLUMN suspended_at timestamptz,
  ADD COLUMN confirmed_at timestamptz,
  ADD COLUMN confirmed_by uuid REFERENCES accounts (id);
CREATE INDEX account_cases_suspended_idx ON account_cases (case_id) WHERE suspended_at IS NOT NULL;
-- Links made by receipt number to cases that are protected already are suspended now, like those of a case
-- protected from here on (case-events reviewReceiptNumberLinks).
UPDATE account_cases l SET suspended_at = now()
FROM cases c
WHERE c.id = l.case_id AND c.section_1367 AND l.added_via = 'receipt_number' AND l.suspended_at IS NULL;

-- The "protected cases" designation: only officers who hold it (the unit that adjudicates VAWA, T and U cases) see
-- Section 1367 cases and their items. Granted by administrators like a role, audited, shown in the staff list.
ALTER TABLE staff_roles DROP CONSTRAINT staff_roles_role_check;
ALTER TABLE staff_roles ADD CONSTRAINT staff_roles_role_check
  CHECK (role IN ('tier1', 'tier2', 'tier3', 'help_desk', 'officer', 'quality_assurance', 'administrator', 'protected_cases'));
