-- The marked days of summary_entity_day, deleted before they are summarised again.
delete from summary_entity_day where day in (select day from summary_dirty_days);
