-- Articles and mentions per entity per day or week, zero-filled from the first to the
-- last period with any mention, from the per-entity view or the one rolled up to parents.
-- An article belongs to one day, so daily article counts add up to weekly ones.
with params as (
    select
        ?::varchar[] as entities,
        ?::boolean as rollup,
        ?::varchar as bucket,
        ?::date as since
),

daily as (
    select d.day, d.entity, d.articles, d.mentions
    from entity_mentions_daily as d, params as p
    where not p.rollup
    union all
    select d.day, d.entity, d.articles, d.mentions
    from entity_mentions_daily_rollup as d, params as p
    where p.rollup
),

chosen as (
    select
        d.entity,
        d.articles,
        d.mentions,
        case
            when p.bucket = 'week' then cast(date_trunc('week', d.day) as date)
            else d.day
        end as period
    from daily as d, params as p
    where list_contains(p.entities, d.entity) and (p.since is null or d.day >= p.since)
),

per_period as (
    select period, entity, sum(articles)::bigint as articles, sum(mentions)::bigint as mentions
    from chosen
    group by all
),

periods as (
    select
        cast(unnest(generate_series(
            min(x.period),
            max(x.period),
            case when any_value(p.bucket) = 'week' then interval 7 day else interval 1 day end
        )) as date) as period
    from per_period as x, params as p
),

wanted as (
    select unnest(entities) as entity
    from params
),

final as (
    select
        g.period,
        w.entity,
        coalesce(x.articles, 0) as articles,
        coalesce(x.mentions, 0) as mentions
    from periods as g
    cross join wanted as w
    left join per_period as x on x.period = g.period and x.entity = w.entity
    order by w.entity, g.period
)

select * from final
