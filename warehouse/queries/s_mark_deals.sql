-- Mark for the next summary refresh the deals that the articles among $1 report: their
-- own, or their original's when they are syndicated copies (a copy is one more source).
-- One placeholder per id (`?keys`): a look-up in the primary key's index.
with originals as (
    select coalesce(duplicate_of, article_id) as article_id
    from articles
    where article_id in (?keys)
),

final as (
    select distinct dm.deal_key
    from deal_mentions as dm
    where dm.article_id in (select article_id from originals)
)

insert into summary_dirty_deals
select * from final
