-- Mark every day and every deal: the next refresh rebuilds the summaries whole (every
-- original article's day, on topic or not: read from `articles`, not the filtered view).
insert into summary_dirty_days
select distinct cast(timezone('UTC', coalesce(published, fetched_at)) as date) as day
from articles
where duplicate_of is null;

insert into summary_dirty_deals
select distinct deal_key from deal_mentions;
