-- myProgress (issue 18; PT-3, CASE-9): the estimates of the case card's myProgress tab, precomputed by a training job
-- so the tab reads one row. Each training run is recorded; its estimates replace the previous run's in one
-- transaction (one row per open case of the seven forms myProgress covers). Owned by src/modules/my-progress.
CREATE TABLE progress_models (
  id serial PRIMARY KEY,
  trained_at timestamptz NOT NULL,
  -- The moment the history was read as of (the training date) and the first receipt date learnt from.
  cutoff timestamptz NOT NULL,
  window_start timestamptz NOT NULL,
  cases_learnt integer NOT NULL,
  decided_learnt integer NOT NULL,
  strata integer NOT NULL,
  open_cases integer NOT NULL,
  estimated integer NOT NULL,
  too_few integer NOT NULL,
  duration_ms integer NOT NULL
);

CREATE TABLE progress_estimates (
  case_id integer PRIMARY KEY,
  model_id integer NOT NULL REFERENCES progress_models (id) ON DELETE CASCADE,
  -- `estimated`: the dates below; `too_few`: the stratum has too few decided cases (the tab shows published times).
  kind text NOT NULL CHECK (kind IN ('estimated', 'too_few')),
  form_code text NOT NULL,
  form_category text,
  office_code text NOT NULL,
  -- `office`: cases of the form and category at the case's office; `all_offices`: at every office (fallback).
  basis_level text CHECK (basis_level IN ('office', 'all_offices')),
  basis_count integer NOT NULL,
  -- The 10th percentile, median and 90th percentile of the decision date; null where the history never got that
  -- far (the tab then says "at least" the horizon: the latest date the history can speak for).
  decision_low timestamptz,
  decision_likely timestamptz,
  decision_high timestamptz,
  decision_horizon timestamptz,
  -- The next step (a milestone key of cases/timelines.ts) and its dates, as above; null: no next step.
  next_step text,
  next_low timestamptz,
  next_likely timestamptz,
  next_high timestamptz,
  next_horizon timestamptz
);
