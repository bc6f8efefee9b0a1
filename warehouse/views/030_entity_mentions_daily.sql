-- Mentions per entity per day: how many articles mention it, how many stories they tell
-- (a story counts on the day it started), how many times it is named in all. On-topic
-- articles only, unless the session asks for all (`set variable include_off_topic = true`).
-- Read from summary_entity_day (kept current with every write: warehouse/summaries.py).
create or replace view entity_mentions_daily as
with chosen as (
    select day, entity, kind, sum(articles) as articles, sum(stories) as stories,
        sum(mentions) as mentions
    from summary_entity_day
    where on_topic or coalesce(getvariable('include_off_topic'), false)
    group by all
),

final as (
    select
        s.day,
        s.entity,
        s.kind,
        e.parent,
        s.articles::bigint as articles,
        s.mentions::bigint as mentions,
        s.stories::bigint as stories
    from chosen as s
    left join entities as e on e.name = s.entity
    order by s.day, s.articles desc, s.entity
)

select * from final;
