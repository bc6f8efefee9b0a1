-- Mark every day and every deal: the next refresh rebuilds the summaries whole.
insert into summary_dirty_days
select distinct day from article_dates;

insert into summary_dirty_deals
select distinct deal_key from deal_mentions;
