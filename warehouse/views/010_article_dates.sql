-- One row per original article with the day it belongs to (publish time, else fetch time)
-- and the outlets that carried it (the original plus its syndicated copies). On-topic
-- articles only, unless the session asks for all (`set variable include_off_topic = true`).
create or replace view article_dates as
with originals as (
    select
        article_id,
        canonical_url,
        title,
        sitename,
        coalesce(published, fetched_at) as seen_at,
        stored_at,
        coalesce(story_id, article_id) as story_id,
        not coalesce(off_topic, false) as on_topic
    from articles
    where
        duplicate_of is null
        and (not coalesce(off_topic, false) or coalesce(getvariable('include_off_topic'), false))
),

final as (
    select
        article_id,
        canonical_url,
        title,
        sitename,
        seen_at,
        stored_at,
        cast(timezone('UTC', seen_at) as date) as day,
        cast(date_trunc('week', timezone('UTC', seen_at)) as date) as week,
        story_id,
        on_topic
    from originals
)

select * from final;
