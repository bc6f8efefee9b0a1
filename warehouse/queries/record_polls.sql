-- Poll outcomes: validators, status, and the health pipeline/health.py assessed (failures
-- in a row, their weight, the next poll, disabled or not). One row per feed polled.
update feeds set
    etag = coalesce(p.etag, feeds.etag),
    last_modified = coalesce(p.last_modified, feeds.last_modified),
    last_polled = p.polled_at,
    last_success = case when p.status = 'error' then feeds.last_success else p.polled_at end,
    last_status = p.status,
    last_http_status = p.http_status,
    last_error = p.error,
    bozo_reason = p.bozo_reason,
    consecutive_failures = p.consecutive_failures,
    failure_weight = p.failure_weight,
    last_failure_class = p.failure_class,
    next_poll = p.next_poll,
    disabled_reason = p.disabled_reason,
    disabled_at = case when p.disabled_reason is null then null else p.polled_at end
from read_json(?, format = 'newline_delimited', columns = {
    name: 'varchar', status: 'varchar', http_status: 'integer', etag: 'varchar',
    last_modified: 'varchar', error: 'varchar', bozo_reason: 'varchar',
    polled_at: 'timestamptz', consecutive_failures: 'integer', failure_weight: 'double',
    failure_class: 'varchar', next_poll: 'timestamptz', disabled_reason: 'varchar'
}) as p
where feeds.name = p.name;
