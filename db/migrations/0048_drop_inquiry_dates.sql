-- Processing times (issue 18; PT-2, CC-10): the hand-edited receipt dates for a case inquiry were copied into
-- inquiry_date_overrides by 0046; e-Request now asks the processing times module for the date. The old table goes.
DROP TABLE inquiry_dates;
