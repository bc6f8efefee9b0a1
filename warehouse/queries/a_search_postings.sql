-- Postings of the full-text index: per term and article, the term's BM25 weight there
-- (its count in title and text against the article's length: the tf half of the
-- extension's `match_bm25`, k = 1.2, b = 0.75), ordered by term. The extension's own
-- `terms` table holds one row per token in document order, so a query for three words
-- reads every token of the corpus; here it reads only its own terms' row groups (zone
-- maps on `termid`), and a score is a sum of idf x weight.
create or replace table fts_main_search_documents.postings as
with counted as (
    select termid, docid, count(*) as tf
    from fts_main_search_documents.terms
    group by all
),

weighted as (
    select
        c.termid,
        c.docid,
        c.tf * 2.2 / (c.tf + 1.2 * (0.25 + 0.75 * (d.len / s.avgdl))) as weight
    from counted as c
    inner join fts_main_search_documents.docs as d on d.docid = c.docid
    cross join fts_main_search_documents.stats as s
),

final as (
    select termid, docid, weight
    from weighted
    order by termid, docid
)

select * from final;

-- Per indexed article: its id, length in tokens, when it was seen and its day, so a
-- search filters and ranks without reading `articles` (whose rows are insert-only: a snapshot
-- stays true until the next rebuild adds articles).
create or replace table fts_main_search_documents.doc_dates as
with final as (
    select docs.docid, docs.name as article_id, docs.len, d.seen_at, d.day
    from fts_main_search_documents.docs as docs
    inner join article_dates as d on d.article_id = docs.name
    order by docs.docid
)

select * from final;
