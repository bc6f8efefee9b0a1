-- The documents a scratch tokenizing split (`search_tokenize.sql`), to a Parquet file
-- the write transaction reads (`search_load_docs.sql`).
copy (
    select article_id, seen_at
    from search_incoming_docs
    order by docid
) to ? (format parquet)
