-- The original articles of the marked days ($1 and $2 bound them: s_dirty_bounds.sql),
-- found once for every summary the refresh recomputes (a temp table: this connection's,
-- gone with it). Two branches, one per column, so each filter is on a plain column.
-- Each carries whether it is on topic and whether it started its story.
create or replace temp table dirty_originals as
with in_range as (
    select article_id, published as seen_at, off_topic, story_id
    from articles
    where duplicate_of is null and published >= $1 and published < $2
    union all
    select article_id, fetched_at as seen_at, off_topic, story_id
    from articles
    where duplicate_of is null and published is null and fetched_at >= $1 and fetched_at < $2
),

dated as (
    select
        article_id,
        seen_at,
        cast(timezone('UTC', seen_at) as date) as day,
        not coalesce(off_topic, false) as on_topic,
        -- the article that started its story counts the story, on its own day
        coalesce(story_id, article_id) = article_id as starts_story
    from in_range
),

final as (
    select article_id, day, seen_at, on_topic, starts_story
    from dated
    where day in (select day from summary_dirty_days)
)

select * from final
