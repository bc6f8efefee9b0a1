-- Entries still to fetch: new ones, and failed ones with attempts left (oldest first).
with candidates as (
    select entry_key, feed_name, url, guid, title, published, first_seen
    from entries
    where state = 'pending'
       or (state = 'failed' and attempts < ?)
),

final as (
    select c.entry_key, f.url as feed_url, c.url, c.guid, c.title, c.published
    from candidates as c
    left join feeds as f on f.name = c.feed_name
    order by c.first_seen, c.entry_key
    limit ?
)

select * from final
