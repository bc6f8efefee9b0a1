-- Original articles whose tags are missing, or were made by another tagger version
-- (or all of them, when the second parameter is true).
with final as (
    select a.article_id
    from articles as a
    left join article_tags as t on t.article_id = a.article_id
    where a.duplicate_of is null
      and a.text is not null
      and (t.article_id is null or t.tagger_version <> ? or ?)
    order by a.article_id
)

select * from final
