-- The documents a batch adds to the index: the original articles with text that the
-- batch's insert just stored (what `insert_articles` returned), from the rows the store
-- wrote, so nothing is read back from `articles`.
create or replace temp table search_incoming as
with batch as (
    select * from read_json(?, format = 'newline_delimited', columns = {
        article_id: 'varchar', title: 'varchar', text: 'varchar', seen_at: 'timestamptz'
    })
),

final as (
    select article_id, title, text, seen_at
    from batch
)

select * from final
