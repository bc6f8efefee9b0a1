-- When each entity was first mentioned, and in how many articles since (on-topic ones,
-- unless the session asks for all: `set variable include_off_topic = true`).
create or replace view new_entities as
with firsts as (
    select entity, min(first_seen) as first_seen, sum(articles)::bigint as articles
    from summary_entity_day
    where on_topic or coalesce(getvariable('include_off_topic'), false)
    group by all
),

final as (
    select f.entity, e.kind, e.discovered, f.first_seen, f.articles
    from firsts as f
    left join entities as e on e.name = f.entity
    order by f.first_seen desc, f.entity
)

select * from final;
