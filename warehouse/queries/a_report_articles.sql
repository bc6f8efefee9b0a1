-- The latest original articles seen on or after a day, with their outlets (syndicated
-- copies included) and how many entities and deals were tagged in each.
with params as (
    select ?::date as since, ?::bigint as top
),

chosen as (
    select d.article_id, d.title, d.canonical_url as url, d.sitename, d.seen_at
    from article_dates as d, params as p
    where p.since is null or d.day >= p.since
    order by d.seen_at desc, d.article_id
    limit (select top from params)
),

outlets as (
    select
        coalesce(a.duplicate_of, a.article_id) as article_id,
        list(distinct a.sitename order by a.sitename) filter (where a.sitename is not null)
            as outlets
    from articles as a
    where coalesce(a.duplicate_of, a.article_id) in (select article_id from chosen)
    group by all
),

tag_counts as (
    select article_id, mentions, deals
    from article_tags
),

final as (
    select
        c.article_id,
        c.title,
        c.url,
        c.sitename,
        c.seen_at,
        coalesce(o.outlets, []) as outlets,
        coalesce(t.mentions, 0) as mentions,
        coalesce(t.deals, 0) as deals
    from chosen as c
    left join outlets as o on o.article_id = c.article_id
    left join tag_counts as t on t.article_id = c.article_id
    order by c.seen_at desc, c.article_id
)

select * from final
