-- The mentions in those articles, read from `mentions` once for all three day summaries.
create or replace temp table dirty_mentions as
with final as (
    select m.article_id, m.entity, m.kind
    from mentions as m
    where m.article_id in (select article_id from dirty_originals)
)

select * from final;
