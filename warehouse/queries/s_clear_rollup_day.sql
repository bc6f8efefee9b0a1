-- The marked days of summary_rollup_day, deleted before they are summarised again.
delete from summary_rollup_day where day in (select day from summary_dirty_days);
