-- How many days and deals the next refresh recomputes.
select
    (select count(*) from summary_dirty_days) as days,
    (select count(*) from summary_dirty_deals) as deals
