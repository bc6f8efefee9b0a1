-- Mentions rolled up to the top parent: Azure, GitHub and LinkedIn count for Microsoft.
-- An article that names both Microsoft and Azure counts once for Microsoft. On-topic
-- articles only, unless the session asks for all (`set variable include_off_topic = true`).
-- Read from summary_rollup_day (kept current with every write: warehouse/summaries.py).
create or replace view entity_mentions_daily_rollup as
with chosen as (
    select day, entity, sum(articles) as articles, sum(stories) as stories,
        sum(mentions) as mentions
    from summary_rollup_day
    where on_topic or coalesce(getvariable('include_off_topic'), false)
    group by all
),

final as (
    select
        s.day,
        s.entity,
        e.kind,
        s.articles::bigint as articles,
        s.mentions::bigint as mentions,
        s.stories::bigint as stories
    from chosen as s
    left join entities as e on e.name = s.entity
    order by s.day, s.articles desc, s.entity
)

select * from final;
