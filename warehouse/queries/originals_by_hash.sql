-- content hash -> the stored original article with that text, for the hashes of a batch,
-- one placeholder each (`?keys`): DuckDB looks them up in the index on content_hash
-- (migration 006) instead of reading every article's hash. The look-up stands alone
-- (materialized): with a second condition beside it, DuckDB scans instead.
with found as materialized (
    select content_hash, article_id, duplicate_of
    from articles
    where content_hash in (?keys)
),

final as (
    select content_hash, min(article_id) as article_id
    from found
    where duplicate_of is null
    group by content_hash
)

select * from final
