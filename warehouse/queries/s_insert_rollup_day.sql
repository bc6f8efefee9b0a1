-- Summarise into summary_rollup_day the articles of `dirty_originals` with their
-- mentions (`dirty_mentions`): mentions rolled up to the top parent, an article counted
-- once per parent however many of its children it names. Rows of a key add up.
insert into summary_rollup_day by name
with rolled as (
    select m.article_id, coalesce(r.top_parent, m.entity) as entity, count(*) as mentions
    from dirty_mentions as m
    left join entity_rollup as r on r.name = m.entity
    group by all
),

final as (
    select
        o.day,
        rolled.entity,
        o.on_topic,
        count(*) as articles,
        count(*) filter (where o.starts_story) as stories,
        sum(rolled.mentions)::bigint as mentions
    from rolled
    inner join dirty_originals as o on o.article_id = rolled.article_id
    group by all
    order by rolled.entity, o.day
)

select * from final;
