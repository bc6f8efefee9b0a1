-- Summarise into summary_entity_day the articles of `dirty_originals` (the marked days'
-- originals, or a batch's new ones) with their mentions (`dirty_mentions`): per day,
-- entity, kind and topic, the original articles that mention it, the stories they start,
-- and its mentions in all. A batch's rows are added beside the day's earlier rows: the
-- views add up every row of a key.
insert into summary_entity_day by name
with by_article as (
    select m.article_id, m.entity, m.kind, count(*) as mentions
    from dirty_mentions as m
    group by all
),

final as (
    select
        o.day,
        b.entity,
        b.kind,
        o.on_topic,
        count(*) as articles,
        count(*) filter (where o.starts_story) as stories,
        sum(b.mentions)::bigint as mentions,
        min(o.seen_at) as first_seen,
        max(o.seen_at) as last_seen
    from by_article as b
    inner join dirty_originals as o on o.article_id = b.article_id
    group by all
    order by b.entity, o.day
)

select * from final;
