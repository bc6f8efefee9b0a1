-- content hash -> the stored original article with that text, and its story, for the
-- hashes of a batch ($1). This reads the `content_hash` column of every article (tens of
-- milliseconds at a million). An index on it was tried and left out: it adds to every
-- checkpoint of the file, and with it the crash test once counted one tagged article too
-- many (not reproduced since, so not explained).
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
