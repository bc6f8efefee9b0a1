-- Summarise into summary_pair_day the articles of `dirty_originals` with their mentions
-- (`dirty_mentions`): pairs of entities named in the same original article (publishers
-- and places left out). Ordered by the pair, so a filter on entity_a skips most row
-- groups. Rows of a key add up (first and last seen: their min and max).
insert into summary_pair_day by name
with named as (
    select distinct m.article_id, m.entity
    from dirty_mentions as m
    where m.kind not in ('publisher', 'place')
),

final as (
    select
        o.day,
        a.entity as entity_a,
        b.entity as entity_b,
        o.on_topic,
        count(*) as articles,
        min(o.seen_at) as first_seen,
        max(o.seen_at) as last_seen
    from named as a
    inner join named as b on a.article_id = b.article_id and a.entity < b.entity
    inner join dirty_originals as o on o.article_id = a.article_id
    group by all
    order by entity_a, entity_b, o.day
)

select * from final;
