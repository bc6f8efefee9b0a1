-- Mark every day (the parent chains changed: every roll-up may have).
insert into summary_dirty_days
select distinct day from article_dates
