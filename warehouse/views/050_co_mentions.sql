-- Pairs of entities named in the same article (publishers and places left out). On-topic
-- articles only, unless the session asks for all (`set variable include_off_topic = true`).
-- Read from summary_pair_day (kept current with every write: warehouse/summaries.py).
create or replace view co_mentions as
with final as (
    select
        entity_a,
        entity_b,
        sum(articles)::bigint as articles,
        min(first_seen) as first_seen,
        max(last_seen) as last_seen
    from summary_pair_day
    where on_topic or coalesce(getvariable('include_off_topic'), false)
    group by all
    order by articles desc, entity_a, entity_b
)

select * from final;
