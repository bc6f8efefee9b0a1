-- Poll outcomes: validators, status, failure count. One row per feed polled.
update feeds set
    etag = coalesce(p.etag, feeds.etag),
    last_modified = coalesce(p.last_modified, feeds.last_modified),
    last_polled = p.polled_at,
    last_success = case when p.status = 'error' then feeds.last_success else p.polled_at end,
    last_status = p.status,
    last_http_status = p.http_status,
    last_error = p.error,
    bozo_reason = p.bozo_reason,
    consecutive_failures = case when p.status = 'error' then feeds.consecutive_failures + 1 else 0 end,
    next_poll = p.next_poll
from read_json(?, format = 'newline_delimited', columns = {
    name: 'varchar', status: 'varchar', http_status: 'integer', etag: 'varchar',
    last_modified: 'varchar', error: 'varchar', bozo_reason: 'varchar',
    polled_at: 'timestamptz', next_poll: 'timestamptz'
}) as p
where feeds.name = p.name;
