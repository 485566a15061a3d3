-- Form categories (issue 18; PT-1): the agency publishes processing times per form, form category (subtype) and
-- office, and myProgress estimates per form, category and office. A case's category comes from its events (the latest
-- `formCategory` in a case event's payload) or from demo/migrated data, and is always the one it counts under
-- (effectiveCategory): the form's fallback category when the sender gave none or one the form does not have; null
-- only for a form without categories. The categories themselves are data in src/modules/cases/form-categories.ts.
ALTER TABLE cases ADD COLUMN form_category text;
CREATE INDEX cases_form_office_idx ON cases (form_code, form_category, office_code);
