-- New deals per day and type (restated history left out) on or after a day.
with params as (
    select ?::date as since
),

final as (
    select t.day, t.type, t.deals, t.amount_usd
    from deal_timeline as t, params as p
    where p.since is null or t.day >= p.since
    order by t.day, t.type
)

select * from final
