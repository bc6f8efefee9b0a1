-- Feeds to poll now: on in the config, not disabled for failing, and due (no backoff
-- pending: `next_poll` is set by pipeline/health.py after a failure).
select name, url, etag, last_modified
from feeds
where enabled
  and disabled_reason is null
  and (next_poll is null or next_poll <= ?)
order by name
