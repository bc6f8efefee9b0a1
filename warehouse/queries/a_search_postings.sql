-- Postings of the full-text index: per term and article, how often the term occurs (in
-- title and text), ordered by term. The extension's own `terms` table holds one row per
-- token in document order, so a query for three words reads every token of the corpus;
-- here it reads only the row groups of its own terms (zone maps on `termid`).
create or replace table fts_main_search_documents.postings as
with counted as (
    select termid, docid, count(*) as tf
    from fts_main_search_documents.terms
    group by all
),

final as (
    select termid, docid, tf
    from counted
    order by termid, docid
)

select * from final;

-- Per indexed article: its length in tokens, when it was seen and its day, so a search
-- scores and filters without reading `articles` (whose rows are insert-only: a snapshot
-- stays true until the next rebuild adds articles).
create or replace table fts_main_search_documents.doc_dates as
with final as (
    select docs.docid, docs.name as article_id, docs.len, d.seen_at, d.day
    from fts_main_search_documents.docs as docs
    inner join article_dates as d on d.article_id = docs.name
    order by docs.docid
)

select * from final;
