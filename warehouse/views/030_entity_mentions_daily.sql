-- Mentions per entity per day: how many articles mention it, how many times in all.
create or replace view entity_mentions_daily as
with mentions_by_article as (
    select m.article_id, m.entity, m.kind, count(*) as mentions
    from mentions as m
    group by all
),

final as (
    select
        d.day,
        m.entity,
        m.kind,
        e.parent,
        count(distinct m.article_id) as articles,
        sum(m.mentions)::bigint as mentions
    from mentions_by_article as m
    inner join article_dates as d on d.article_id = m.article_id
    left join entities as e on e.name = m.entity
    group by all
    order by d.day, articles desc, m.entity
)

select * from final;
