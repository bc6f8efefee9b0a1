-- Original articles ranked by BM25 for a query (any term may match), optionally only
-- those seen on or after a day, and only those naming an entity or anything under it
-- (`Microsoft` also finds Azure and GitHub Copilot). Best first; ties: the newest.
-- The score is the fts extension's `match_bm25` (k = 1.2, b = 0.75, title and text),
-- computed from the term-ordered postings and per-article dates (a_search_postings.sql):
-- the query's few terms read a few row groups, where `match_bm25` reads every token of
-- the corpus and is then evaluated per article.
with params as (
    select $3::varchar as entity
),

tokens as (
    select distinct stem(unnest(fts_main_search_documents.tokenize($1::varchar)), 'porter') as term
),

query_terms as (
    select
        d.termid,
        log((s.num_docs - d.df + 0.5) / (d.df + 0.5) + 1) as idf,
        s.avgdl
    from fts_main_search_documents.dict as d
    cross join fts_main_search_documents.stats as s
    where d.term in (select term from tokens)
),

-- Constant filters ($2), not a join with `params`: a join here makes DuckDB run the
-- per-posting scoring in a nested loop.
subscores as (
    select
        p.docid,
        q.idf * (p.tf * 2.2 / (p.tf + 1.2 * (0.25 + 0.75 * (dd.len / q.avgdl)))) as subscore
    from fts_main_search_documents.postings as p
    inner join query_terms as q on q.termid = p.termid
    inner join fts_main_search_documents.doc_dates as dd on dd.docid = p.docid
    where $2::date is null or dd.day >= $2::date
),

scores as (
    select docid, sum(subscore) as score
    from subscores
    group by docid
),

named as (
    select r.name
    from entity_rollup as r, params as p
    where p.entity in (r.name, r.top_parent)
),

naming as (
    select distinct m.article_id
    from mentions as m
    inner join named as n on n.name = m.entity
),

matched as (
    select dd.article_id, dd.seen_at, s.score
    from scores as s
    inner join fts_main_search_documents.doc_dates as dd on dd.docid = s.docid
    cross join params as p
    where p.entity is null or dd.article_id in (select article_id from naming)
),

best as (
    select *
    from matched
    order by score desc, seen_at desc, article_id
    limit $4  -- a constant, so DuckDB keeps only the top rows (a subquery would sort all)
),

final as (
    select
        b.article_id,
        a.title,
        a.canonical_url as url,
        a.sitename,
        b.seen_at,
        b.score,
        a.text
    from best as b
    inner join articles as a on a.article_id = b.article_id
    order by b.score desc, b.seen_at desc, b.article_id
)

select * from final
