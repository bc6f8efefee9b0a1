-- The pending digest (channels still to reach), oldest first, with the channels done;
-- `?` is the kind: 'digest', or 'alert' for a pending alert.
with pending as (
    select digest_id, created, channels, content
    from digests
    where status = 'pending' and coalesce(kind, 'digest') = ?
),

delivered as (
    select digest_id, list(channel order by channel) as delivered
    from digest_deliveries
    where status = 'sent'
    group by digest_id
),

final as (
    select
        p.digest_id,
        p.channels,
        p.content::varchar as content,
        coalesce(d.delivered, []) as delivered
    from pending as p
    left join delivered as d on d.digest_id = p.digest_id
    order by p.created, p.digest_id
    limit 1
)

select * from final
