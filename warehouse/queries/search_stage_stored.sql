-- The documents of a rebuild, one slice of `articles` at a time (rowid from $1 to $2):
-- original articles with text (a syndicated copy has none of its own). Slices keep the
-- tokenizing of a large warehouse within memory.
create or replace temp table search_incoming as
with originals as (
    select article_id, title, text, coalesce(published, fetched_at) as seen_at
    from articles
    where rowid >= $1 and rowid < $2 and duplicate_of is null and text is not null
),

final as (
    select article_id, title, text, seen_at
    from originals
)

select * from final
