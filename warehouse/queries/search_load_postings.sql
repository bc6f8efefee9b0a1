-- In the write transaction: the terms of the documents in `search_incoming_docs`, counted
-- before it (`search_tokens_postings.sql`, the file bound), under their new docids.
create or replace temp table search_incoming_postings as
with final as (
    select p.term, d.docid, p.tf, p.len
    from read_parquet(?) as p
    inner join search_incoming_docs as d on d.article_id = p.article_id
)

select * from final
