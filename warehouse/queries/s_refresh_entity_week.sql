-- Recompute summary_entity_week for the weeks of the marked days, from summary_entity_day
-- (refreshed just before): an article has one day, so its days' counts add up to the week
-- (and a story counts on the day it started).
delete from summary_entity_week
where week in (select cast(date_trunc('week', day) as date) from summary_dirty_days);

insert into summary_entity_week by name
with weeks as (
    select distinct cast(date_trunc('week', day) as date) as week
    from summary_dirty_days
),

days as (
    select cast(w.week + cast(r.i as integer) as date) as day
    from weeks as w, range(7) as r (i)
),

final as (
    select
        cast(date_trunc('week', s.day) as date) as week,
        s.entity,
        s.kind,
        s.on_topic,
        sum(s.articles)::bigint as articles,
        sum(s.stories)::bigint as stories
    from summary_entity_day as s
    where s.day in (select day from days)
    group by all
    order by s.entity, week
)

select * from final;
