-- Weekly article counts per entity, its share of voice (its articles over all
-- entity-article pairs of orgs, products and projects that week), and the change in
-- articles against the previous calendar week (0 articles when it was not mentioned).
-- `stories` counts the stories started that week. On-topic articles only, unless the
-- session asks for all (`set variable include_off_topic = true`).
-- Read from summary_entity_week (kept current with every write: warehouse/summaries.py).
create or replace view entity_trends_weekly as
with weekly as (
    select week, entity, sum(articles) as articles, sum(stories) as stories
    from summary_entity_week
    where
        kind in ('org', 'product', 'project')
        and (on_topic or coalesce(getvariable('include_off_topic'), false))
    group by all
),

totals as (
    select week, sum(articles) as all_articles
    from weekly
    group by all
),

previous as (
    select cast(week + interval 7 day as date) as week, entity, articles as prev_articles
    from weekly
),

final as (
    select
        w.week,
        w.entity,
        w.articles::bigint as articles,
        round(w.articles / t.all_articles, 4) as share_of_voice,
        (w.articles - coalesce(p.prev_articles, 0))::bigint as change_vs_prev_week,
        w.stories::bigint as stories
    from weekly as w
    inner join totals as t on t.week = w.week
    left join previous as p on p.week = w.week and p.entity = w.entity
    order by w.week, w.articles desc, w.entity
)

select * from final;
