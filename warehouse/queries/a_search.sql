-- Original articles ranked by BM25 for the terms of a query ($1: stemmed, stopwords out, as
-- a_search_terms.sql makes them; any may match), optionally only
-- those seen on or after a day ($2), and only those naming an entity or anything under
-- it ($3: `Microsoft` also finds Azure and GitHub Copilot). Best first; ties: the newest.
-- The score is the fts extension's `match_bm25` over title and text (k = 1.2, b = 0.75),
-- from newsmon's own postings (warehouse/search.py): per query term, its idf from its
-- document frequency (kept in `search_terms` by each batch) and the document count; per
-- posting, the term's count against the document's length and the average length:
--   idf * tf * (k + 1) / (tf + k * (1 - b) + k * b * len / avgdl).
-- The postings are read once, by term number, and summed per article; search.search runs
-- this with a perfect hash table for the sum (docids are dense numbers).
-- Filters are constants ($2, $3), not a join with a params row, which DuckDB would run
-- as a nested loop over every posting.
with state as (
    select num_docs, 0.9::double * num_docs / total_len as per_len
    from search_state
    where num_docs > 0
),

-- The query's terms that some article holds, each with its idf.
query_terms as (
    select t.term_id, log((s.num_docs - t.df + 0.5) / (t.df + 0.5) + 1) as idf
    from search_terms as t
    cross join state as s
    where t.term in (select unnest($1::varchar[])) and t.df > 0
),

weights as (
    select
        list(q.term_id order by q.term_id) as term_ids,
        list(q.idf order by q.term_id) as idfs,
        any_value(s.per_len) as per_len
    from query_terms as q
    cross join state as s
),

-- Each posting weighed in one pass: the term's idf is looked up in the few query terms by
-- position (cheaper than a join per posting); the filter on term numbers reaches the
-- scan, which reads only the row groups holding them (zone maps).
scores as (
    select
        p.docid,
        sum(
            w.idfs[list_position(w.term_ids, p.term_id)] * p.tf * 2.2::double
            / (p.tf + 0.3::double + w.per_len * p.len)
        ) as score
    from search_postings as p
    cross join weights as w
    where p.term_id in (select term_id from query_terms)
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
    select d.docid
    from search_docs as d
    where d.article_id in (
        select m.article_id
        from mentions as m
        where m.entity in (select name from named)
    )
),

dated as (
    select docid
    from search_docs
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
    select d.article_id, d.seen_at, e.score
    from eligible as e
    inner join search_docs as d on d.docid = e.docid
    where e.score >= (select score from cutoff)
    order by e.score desc, d.seen_at desc, d.article_id
    limit $4
),

-- The articles' titles and texts are fetched one by one by id (search_article.sql): an
-- equality on the key is the one filter DuckLake pushes into its Parquet scan, where a
-- join would decode the texts of every row group it cannot rule out.
final as (
    select article_id, seen_at, score
    from best
    order by score desc, seen_at desc, article_id
)

select * from final
