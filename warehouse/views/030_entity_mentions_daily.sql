-- Mentions per entity per day: how many articles mention it, how many times in all.
-- Read from summary_entity_day (kept current with every write: warehouse/summaries.py).
create or replace view entity_mentions_daily as
with final as (
    select
        s.day,
        s.entity,
        s.kind,
        e.parent,
        s.articles,
        s.mentions
    from summary_entity_day as s
    left join entities as e on e.name = s.entity
    order by s.day, s.articles desc, s.entity
)

select * from final;
