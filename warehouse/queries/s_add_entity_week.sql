-- Add to summary_entity_week the weeks of the articles of `dirty_originals` (a batch's new
-- originals): the same counts summary_entity_day was given, per week. Rows of a key add up.
insert into summary_entity_week by name
with by_article as (
    select distinct m.article_id, m.entity, m.kind
    from dirty_mentions as m
),

final as (
    select
        cast(date_trunc('week', o.day) as date) as week,
        b.entity,
        b.kind,
        o.on_topic,
        count(*) as articles,
        count(*) filter (where o.starts_story) as stories
    from by_article as b
    inner join dirty_originals as o on o.article_id = b.article_id
    group by all
    order by b.entity, week
)

select * from final;
