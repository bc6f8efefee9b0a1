-- The marked days and deals are summarised: clear the marks.
delete from summary_dirty_days;
delete from summary_dirty_deals;
drop table if exists dirty_originals;
drop table if exists dirty_mentions;
