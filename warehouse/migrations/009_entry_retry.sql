-- Retry policy of failed entries (pipeline/retry.py). Two columns without defaults:
-- DuckLake runs this file as it is (no twin needed, as for 004, 005 and 007).

-- Whether a failed entry's failure was permanent (404, 410, too large, not an article:
-- never fetched again) or transient (DNS, connect, time-outs, 5xx, 429: retried up to
-- `ingest.max_attempts`). NULL on entries failed before this migration: transient, as
-- they were then.
alter table entries add column if not exists failure_class varchar;
-- A transiently failed entry is not tried again before this time (its back-off, or the
-- server's Retry-After). NULL: due now.
alter table entries add column if not exists next_attempt timestamptz;
