-- What became of each entry this batch: stored, duplicate, or failed (attempts counted),
-- with the class of a failure and when a transient one may be tried again.
-- The batch's keys (`?keys`, one placeholder each) find the rows in the primary key's
-- index; joining on the key alone would read every entry.
update entries set
    state = u.state,
    article_id = coalesce(u.article_id, entries.article_id),
    attempts = entries.attempts + 1,
    last_error = u.error,
    failure_class = u.failure_class,
    next_attempt = u.next_attempt
from read_json(?, format = 'newline_delimited', columns = {
    entry_key: 'varchar', state: 'varchar', article_id: 'varchar', error: 'varchar',
    failure_class: 'varchar', next_attempt: 'timestamptz'
}) as u
where entries.entry_key = u.entry_key and entries.entry_key in (?keys);
