-- DuckLake version of migrations/010_short_write_holds.sql. The tag tables of a DuckLake
-- catalog never had primary keys (ducklake/migrations/002_tags.sql): only the lists the
-- summary refresh adds from are new.

-- Articles stored with their first tags in the current write transaction, and their
-- mentions: the summary refresh at its end adds their counts (warehouse/summaries.py)
-- and empties both.
create table if not exists summary_added_articles (article_id varchar not null);
create table if not exists summary_added_mentions (
    article_id varchar not null,
    entity     varchar not null,
    kind       varchar not null
);
