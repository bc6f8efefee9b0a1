select name, url, etag, last_modified
from feeds
where enabled and (next_poll is null or next_poll <= ?)
order by name
