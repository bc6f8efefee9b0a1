-- Mentions rolled up to the top parent: Azure, GitHub and LinkedIn count for Microsoft.
-- An article that names both Microsoft and Azure counts once for Microsoft.
create or replace view entity_mentions_daily_rollup as
with rolled as (
    select m.article_id, coalesce(r.top_parent, m.entity) as entity, count(*) as mentions
    from mentions as m
    left join entity_rollup as r on r.name = m.entity
    group by all
),

final as (
    select
        d.day,
        rolled.entity,
        e.kind,
        count(distinct rolled.article_id) as articles,
        sum(rolled.mentions)::bigint as mentions
    from rolled
    inner join article_dates as d on d.article_id = rolled.article_id
    left join entities as e on e.name = rolled.entity
    group by all
    order by d.day, articles desc, rolled.entity
)

select * from final;
