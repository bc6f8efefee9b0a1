-- Original articles ranked by BM25 for a query (any term may match), optionally only
-- those seen on or after a day ($2), and only those naming an entity or anything under
-- it ($3: `Microsoft` also finds Azure and GitHub Copilot). Best first; ties: the newest.
-- The score is the fts extension's `match_bm25` (title and text), computed from the
-- term-ordered postings (a_search_postings.sql): the idf of each query term times its
-- weight in the article, summed. `match_bm25` itself reads every token of the corpus and
-- is evaluated per article. Filters are constants ($2, $3), not a join with a params
-- row, which DuckDB would run as a nested loop over every posting.
with tokens as (
    select distinct stem(unnest(fts_main_search_documents.tokenize($1::varchar)), 'porter') as term
),

query_terms as (
    select d.termid, log((s.num_docs - d.df + 0.5) / (d.df + 0.5) + 1) as idf
    from fts_main_search_documents.dict as d
    cross join fts_main_search_documents.stats as s
    where d.term in (select term from tokens)
),

scores as (
    select p.docid, sum(q.idf * p.weight) as score
    from fts_main_search_documents.postings as p
    inner join query_terms as q on q.termid = p.termid
    group by p.docid
),

-- With no entity ($3 null) the filter below is constant false and DuckDB drops this
-- branch from the plan; likewise the day filter without a day.
named as (
    select r.name
    from entity_rollup as r
    where $3::varchar is not null and $3::varchar in (r.name, r.top_parent)
),

naming as (
    select dd.docid
    from fts_main_search_documents.doc_dates as dd
    where dd.article_id in (
        select m.article_id
        from mentions as m
        where m.entity in (select name from named)
    )
),

dated as (
    select docid
    from fts_main_search_documents.doc_dates
    where $2::date is not null and day >= $2::date
),

eligible as materialized (
    select s.docid, s.score
    from scores as s
    where
        ($2::date is null or s.docid in (select docid from dated))
        and ($3::varchar is null or s.docid in (select docid from naming))
),

-- The limit-th best score: only articles scoring at least that can be among the best,
-- ties included, so only those are looked up for their dates and ids.
cutoff as (
    select min(score) as score
    from (select score from eligible order by score desc limit $4)
),

best as (
    select dd.article_id, dd.seen_at, e.score
    from eligible as e
    inner join fts_main_search_documents.doc_dates as dd on dd.docid = e.docid
    where e.score >= (select score from cutoff)
    order by e.score desc, dd.seen_at desc, dd.article_id
    limit $4
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
