-- `newsmon feeds enable NAME`: forget a feed's failures, so the next run polls it.
update feeds set
    disabled_reason = null,
    disabled_at = null,
    consecutive_failures = 0,
    failure_weight = 0,
    last_failure_class = null,
    next_poll = null
where name = ?;
