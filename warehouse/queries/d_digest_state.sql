-- Where the next digest starts (the latest closed watermark) and whether one is pending
-- (alerts, digests of `kind = 'alert'`, have no watermark and never block a digest).
with closed as (
    select max(watermark) as watermark
    from digests
    where status in ('sent', 'empty') and coalesce(kind, 'digest') = 'digest'
),

pending as (
    select count(*) as pending
    from digests
    where status = 'pending' and coalesce(kind, 'digest') = 'digest'
),

final as (
    select closed.watermark, pending.pending
    from closed, pending
)

select * from final
