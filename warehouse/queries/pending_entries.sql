-- Entries to fetch now, oldest first: new ones, and failed ones with attempts left whose
-- failure was not permanent and whose back-off is over (`next_attempt`), unless the run
-- retries now (the boolean). Parameters: max_attempts, retry now, now, limit.
with candidates as (
    select entry_key, feed_name, url, guid, title, published, first_seen
    from entries
    where state = 'pending'
       or (
           state = 'failed'
           and attempts < ?
           and coalesce(failure_class, 'transient') = 'transient'
           and (?::boolean or next_attempt is null or next_attempt <= ?::timestamptz)
       )
),

final as (
    select c.entry_key, f.url as feed_url, c.url, c.guid, c.title, c.published
    from candidates as c
    left join feeds as f on f.name = c.feed_name
    order by c.first_seen, c.entry_key
    limit ?
)

select * from final
