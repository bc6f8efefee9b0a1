-- The articles added to the summaries are counted: clear the list.
delete from summary_added_articles;
delete from summary_added_mentions;
drop table if exists dirty_originals;
drop table if exists dirty_mentions;
