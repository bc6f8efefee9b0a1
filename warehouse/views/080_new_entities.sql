-- When each entity was first mentioned, and in how many articles since.
create or replace view new_entities as
with firsts as (
    select m.entity, min(d.seen_at) as first_seen, count(distinct m.article_id) as articles
    from mentions as m
    inner join article_dates as d on d.article_id = m.article_id
    group by all
),

final as (
    select f.entity, e.kind, e.discovered, f.first_seen, f.articles
    from firsts as f
    left join entities as e on e.name = f.entity
    order by f.first_seen desc, f.entity
)

select * from final;
