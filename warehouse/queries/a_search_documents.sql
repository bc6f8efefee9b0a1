-- Scratch table the full-text index is built from: original articles only (a syndicated
-- copy has no text of its own). `refresh_index` drops it again once the index is built:
-- the index keeps its own terms and never reads this table.
create or replace table search_documents as
with originals as (
    select article_id, title, text
    from articles
    where duplicate_of is null and text is not null
),

final as (
    select article_id, title, text
    from originals
)

select * from final;
