-- Original articles ranked by BM25 for a query (any term may match), optionally only
-- those seen on or after a day, and only those naming an entity or anything under it
-- (`Microsoft` also finds Azure and GitHub Copilot). Best first; ties: the newest.
with params as (
    select
        ?::varchar as query,
        ?::date as since,
        ?::varchar as entity,
        ?::bigint as max_hits
),

scored as (
    select
        d.article_id,
        d.seen_at,
        fts_main_search_documents.match_bm25(d.article_id, p.query) as score
    from article_dates as d, params as p
    where p.since is null or d.day >= p.since
),

naming as (
    select distinct m.article_id
    from mentions as m
    left join entity_rollup as r on r.name = m.entity
    inner join params as p on p.entity in (m.entity, r.top_parent)
),

matched as (
    select s.article_id, s.seen_at, s.score
    from scored as s, params as p
    where
        s.score is not null
        and (p.entity is null or s.article_id in (select article_id from naming))
),

final as (
    select
        m.article_id,
        a.title,
        a.canonical_url as url,
        a.sitename,
        m.seen_at,
        m.score,
        a.text
    from matched as m
    inner join articles as a on a.article_id = m.article_id
    order by m.score desc, m.seen_at desc, m.article_id
    limit (select max_hits from params)
)

select * from final
