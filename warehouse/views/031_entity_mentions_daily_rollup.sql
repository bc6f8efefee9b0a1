-- Mentions rolled up to the top parent: Azure, GitHub and LinkedIn count for Microsoft.
-- An article that names both Microsoft and Azure counts once for Microsoft.
-- Read from summary_rollup_day (kept current with every write: warehouse/summaries.py).
create or replace view entity_mentions_daily_rollup as
with final as (
    select
        s.day,
        s.entity,
        e.kind,
        s.articles,
        s.mentions
    from summary_rollup_day as s
    left join entities as e on e.name = s.entity
    order by s.day, s.articles desc, s.entity
)

select * from final;
