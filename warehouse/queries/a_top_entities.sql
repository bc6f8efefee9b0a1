-- The most written-about companies, products and projects (rolled up to their parents:
-- Azure counts for Microsoft) since a day, with article and mention totals.
with params as (
    select ?::date as since, ?::bigint as top
),

totals as (
    select
        d.entity,
        any_value(d.kind) as kind,
        sum(d.articles)::bigint as articles,
        sum(d.mentions)::bigint as mentions
    from entity_mentions_daily_rollup as d, params as p
    where d.kind in ('org', 'product', 'project') and (p.since is null or d.day >= p.since)
    group by d.entity
),

final as (
    select entity, kind, articles, mentions
    from totals
    order by articles desc, mentions desc, entity
    limit (select top from params)
)

select * from final
