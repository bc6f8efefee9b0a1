-- Mark for the next summary refresh the days of the original articles among $1.
insert into summary_dirty_days
select distinct day
from article_dates
where article_id in (select unnest(?::varchar[]))
