-- Mark for the next summary refresh the deals that the articles among $1 report: their
-- own, or their original's when they are syndicated copies (a copy is one more source).
with originals as (
    select coalesce(duplicate_of, article_id) as article_id
    from articles
    where article_id in (select unnest(?::varchar[]))
),

final as (
    select distinct dm.deal_key
    from deal_mentions as dm
    where dm.article_id in (select article_id from originals)
)

insert into summary_dirty_deals
select * from final
