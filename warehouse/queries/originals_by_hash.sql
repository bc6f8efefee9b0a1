-- Which of these content hashes already belong to a stored original article, and its story.
with wanted as (
    select unnest(?::varchar[]) as content_hash
),

final as (
    select
        a.content_hash,
        min(a.article_id) as article_id,
        arg_min(coalesce(a.story_id, a.article_id), a.article_id) as story_id
    from articles as a
    inner join wanted as w on w.content_hash = a.content_hash
    where a.duplicate_of is null
    group by a.content_hash
)

select * from final
