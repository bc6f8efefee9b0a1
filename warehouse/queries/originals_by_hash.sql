-- content hash -> the stored original article with that text, for the hashes of a batch,
-- one placeholder each (`(?keys)`): DuckDB looks them up in the index on content_hash
-- (migration 006) instead of reading every article's hash.
with final as (
    select content_hash, min(article_id) as article_id
    from articles
    where content_hash in (?keys) and duplicate_of is null
    group by content_hash
)

select * from final
