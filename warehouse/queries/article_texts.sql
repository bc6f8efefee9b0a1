with final as (
    select article_id, text, published
    from articles
    where article_id in (select unnest(?::varchar[]))
    order by article_id
)

select * from final
