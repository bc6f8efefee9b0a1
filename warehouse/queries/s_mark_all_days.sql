-- Mark every day (the parent chains changed: every roll-up may have).
insert into summary_dirty_days
select distinct cast(timezone('UTC', coalesce(published, fetched_at)) as date) as day
from articles
where duplicate_of is null
