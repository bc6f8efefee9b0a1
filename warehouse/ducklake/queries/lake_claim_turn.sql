-- Make this write transaction conflict with any other that overlaps it: DuckLake commits
-- two concurrent inserts into one table side by side (the same key could land twice),
-- but refuses two deletes from one table, and an update deletes the row it replaces.
update newsmon_internal.writer_turns set turns = turns + 1;
