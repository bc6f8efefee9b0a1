-- The tag tables lose their primary keys (issue 18, short write holds). DuckDB rewrites
-- every ART index of a table whole at each checkpoint, so the ten million keys of
-- `mentions` alone cost seconds at every checkpoint at a million articles, while no
-- query looks a tag up by them: the writer keeps them unique itself (an article's old
-- tags are deleted before its new ones are inserted, in one transaction, one tagging per
-- article: warehouse/tags.py), as it does on DuckLake, which has no keys. DuckDB cannot
-- drop a primary key, so each table is made anew and its rows copied. DuckLake runs its
-- twin, ducklake/migrations/010_short_write_holds.sql (nothing to do there).

create table mentions_010 (
    article_id     varchar not null,
    entity         varchar not null,
    kind           varchar not null,
    surface        varchar not null,
    start_offset   integer not null,
    end_offset     integer not null,
    sentence_index integer not null,
    discovered     boolean not null default false,
    tagger_version varchar not null
);
insert into mentions_010 select * from mentions;
drop table mentions;
alter table mentions_010 rename to mentions;

create table deal_mentions_010 (
    article_id       varchar not null,
    deal_index       integer not null,
    deal_key         varchar not null,
    type             varchar not null,
    status           varchar not null,
    parties          varchar[] not null,
    amount_usd       double,
    amount_text      varchar,
    amount_qualifier varchar,
    valuation_usd    double,
    year             integer,
    background       boolean not null,
    name             varchar,
    sentence         varchar not null,
    sentence_index   integer not null,
    tagger_version   varchar not null
);
insert into deal_mentions_010 select * from deal_mentions;
drop table deal_mentions;
alter table deal_mentions_010 rename to deal_mentions;

create table deal_parties_010 (
    article_id     varchar not null,
    deal_index     integer not null,
    party          varchar not null,
    role           varchar not null,
    stake          double,
    tagger_version varchar not null
);
insert into deal_parties_010 select * from deal_parties;
drop table deal_parties;
alter table deal_parties_010 rename to deal_parties;

create table article_tags_010 (
    article_id     varchar not null,
    tagger_version varchar not null,
    tagged_at      timestamptz not null,
    mentions       integer not null,
    deals          integer not null
);
insert into article_tags_010 select * from article_tags;
drop table article_tags;
alter table article_tags_010 rename to article_tags;

-- Warehouses made by an early version of migration 006 have an index on content hashes,
-- which later versions leave out (dedup reads the column): it too is rewritten whole at
-- every checkpoint.
drop index if exists articles_content_hash;

-- Articles stored with their first tags in the current write transaction, and their
-- mentions: the summary refresh at its end adds their counts (warehouse/summaries.py)
-- and empties both.
create table if not exists summary_added_articles (article_id varchar not null);
create table if not exists summary_added_mentions (
    article_id varchar not null,
    entity     varchar not null,
    kind       varchar not null
);
