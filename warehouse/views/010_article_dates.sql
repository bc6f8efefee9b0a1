-- One row per original article with the day it belongs to (publish time, else fetch time)
-- and the outlets that carried it (the original plus its syndicated copies).
create or replace view article_dates as
with originals as (
    select
        article_id,
        canonical_url,
        title,
        sitename,
        coalesce(published, fetched_at) as seen_at,
        stored_at
    from articles
    where duplicate_of is null
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
        cast(date_trunc('week', timezone('UTC', seen_at)) as date) as week
    from originals
)

select * from final;
