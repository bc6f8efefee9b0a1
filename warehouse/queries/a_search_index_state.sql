-- Articles in the index against original articles with text: articles are insert-only,
-- so equal counts mean the index is current. Run only when the index exists.
with indexed as (
    select count(*) as indexed
    from fts_main_search_documents.docs
),

originals as (
    select count(*) as originals
    from articles
    where duplicate_of is null and text is not null
),

final as (
    select indexed.indexed, originals.originals
    from indexed, originals
)

select * from final
