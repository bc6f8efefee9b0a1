-- The pairs of entities most often named together, last seen on or after a day. Pairs
-- within one family (Azure and Microsoft, both rolling up to Microsoft) are left out:
-- they say nothing about relations between companies.
with params as (
    select ?::date as since, ?::bigint as top
),

families as (
    select
        c.*,
        coalesce(ra.top_parent, c.entity_a) as family_a,
        coalesce(rb.top_parent, c.entity_b) as family_b
    from co_mentions as c
    left join entity_rollup as ra on ra.name = c.entity_a
    left join entity_rollup as rb on rb.name = c.entity_b
),

final as (
    select f.entity_a, f.entity_b, f.articles, f.first_seen, f.last_seen
    from families as f, params as p
    where f.family_a <> f.family_b and (p.since is null or f.last_seen >= p.since)
    order by f.articles desc, f.last_seen desc, f.entity_a, f.entity_b
    limit (select top from params)
)

select * from final
