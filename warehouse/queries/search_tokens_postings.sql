-- The terms a scratch tokenizing counted (`search_tokenize.sql`), by article instead of
-- the scratch's docid, to a Parquet file the write transaction reads
-- (`search_load_postings.sql`).
copy (
    select d.article_id, p.term, p.tf, p.len
    from search_incoming_postings as p
    inner join search_incoming_docs as d on d.docid = p.docid
) to ? (format parquet)
