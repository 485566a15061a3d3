-- e-Request names a case by receipt number and date of birth. Failed matches are counted per receipt number (known
-- or not), so the form cannot be used to guess an applicant's date of birth: after 5 in 24 hours, requests about that
-- receipt number are refused for a day, with the same answer whether the case exists or not.
CREATE TABLE e_request_case_failures (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  receipt_number  text NOT NULL,
  failed_at       timestamptz NOT NULL
);
CREATE INDEX e_request_case_failures_idx ON e_request_case_failures (receipt_number, failed_at);
