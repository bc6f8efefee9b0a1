-- Feed health (pipeline/health.py): the weight of the failures in a row, the class of the
-- last failure, and when a feed was disabled for failing. `disabled_reason` (001) says why;
-- a feed with a reason is not polled until `newsmon feeds enable` clears it. `enabled`
-- stays the config's switch.
alter table feeds add column failure_weight double default 0;
alter table feeds add column last_failure_class varchar;  -- hard | soft | temporary
alter table feeds add column disabled_at timestamptz;
