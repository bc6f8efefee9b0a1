-- Pairs of entities named in the same article (publishers and places left out).
create or replace view co_mentions as
with named as (
    select distinct m.article_id, m.entity
    from mentions as m
    where m.kind not in ('publisher', 'place')
),

final as (
    select
        a.entity as entity_a,
        b.entity as entity_b,
        count(*) as articles,
        min(d.seen_at) as first_seen,
        max(d.seen_at) as last_seen
    from named as a
    inner join named as b on a.article_id = b.article_id and a.entity < b.entity
    inner join article_dates as d on d.article_id = a.article_id
    group by all
    order by articles desc, entity_a, entity_b
)

select * from final;
