-- The originals among the articles stored in this transaction (one placeholder per id,
-- `?keys`: a look-up in the primary key's index, standing alone, materialized before it
-- is filtered), as `dirty_originals` for the inserts of the day summaries. An article of
-- a day marked for a whole recomputation is left out: that recomputation counted it.
create or replace temp table dirty_originals as
with found as materialized (
    select article_id, coalesce(published, fetched_at) as seen_at, off_topic, story_id,
        duplicate_of
    from articles
    where article_id in (?keys)
),

final as (
    select
        article_id,
        seen_at,
        cast(timezone('UTC', seen_at) as date) as day,
        not coalesce(off_topic, false) as on_topic,
        coalesce(story_id, article_id) = article_id as starts_story
    from found
    where
        duplicate_of is null
        and cast(timezone('UTC', seen_at) as date) not in (select day from summary_dirty_days)
)

select * from final
