-- Where the next digest starts (the latest closed watermark) and whether one is pending.
with closed as (
    select max(watermark) as watermark
    from digests
    where status in ('sent', 'empty')
),

pending as (
    select count(*) as pending
    from digests
    where status = 'pending'
),

final as (
    select closed.watermark, pending.pending
    from closed, pending
)

select * from final
