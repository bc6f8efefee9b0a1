-- Mark for the next summary refresh the days of the original articles among $1 (the day
-- as article_dates makes it, from `articles` itself: the view computes it for every row
-- before filtering, three times slower). One placeholder per id (`?keys`): a look-up in
-- the primary key's index, not a read of every article (the look-up stands alone:
-- with a second condition beside it, DuckDB scans instead).
insert into summary_dirty_days
with found as materialized (
    select duplicate_of, published, fetched_at
    from articles
    where article_id in (?keys)
),

final as (
    select distinct cast(timezone('UTC', coalesce(published, fetched_at)) as date) as day
    from found
    where duplicate_of is null
)

select * from final
