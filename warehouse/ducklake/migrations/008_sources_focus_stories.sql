-- DuckLake version of migrations/008_sources_focus_stories.sql: the same columns and
-- tables, without boolean defaults (a DuckLake catalog takes none: see
-- ducklake/migrations/001_core.sql). A NULL flag reads as its default: every query
-- wraps `off_topic` and `confirmed` in coalesce(..., false), and the summaries are all
-- recomputed below, so their `on_topic` is always set.

-- Each feed's kind (official | filing | press | search) and, for official and filing
-- sources, the companies whose source it is: a deal one of them states is confirmed.
alter table feeds add column if not exists kind varchar default 'press';
alter table feeds add column if not exists entities varchar[];

-- Focus: an article that names no focus entity (with roll-up) is kept, marked off topic,
-- its text not stored unless `[focus] keep_off_topic_text`. Views count on-topic ones.
alter table articles add column if not exists off_topic boolean;
-- How many of a run's articles were off topic.
alter table ingest_runs add column if not exists off_topic integer default 0;

-- Near-duplicate stories: the article that started the story this one belongs to (itself
-- for the first; a syndicated copy has its original's).
alter table articles add column if not exists story_id varchar;
update articles set story_id = coalesce(duplicate_of, article_id) where story_id is null;

-- A story's MinHash signature, one row per on-topic original article, and its LSH band
-- keys: a new article looks up the band keys it shares, within a window of days of its
-- own date (zone maps on `seen_at` keep the lookup to that window's row groups).
create table if not exists story_signatures (
    article_id varchar not null,
    story_id   varchar not null,
    seen_at    timestamptz not null,
    signature  uinteger[] not null
);

create table if not exists story_bands (
    band_key   ubigint not null,
    article_id varchar not null,
    seen_at    timestamptz not null
);

-- Summaries count on-topic and off-topic articles apart (the views add up what is asked
-- for), and count stories: an article that starts a story counts one story on its day.
alter table summary_entity_day add column if not exists on_topic boolean;
alter table summary_entity_day add column if not exists stories bigint default 0;
alter table summary_entity_week add column if not exists on_topic boolean;
alter table summary_entity_week add column if not exists stories bigint default 0;
alter table summary_rollup_day add column if not exists on_topic boolean;
alter table summary_rollup_day add column if not exists stories bigint default 0;
alter table summary_pair_day add column if not exists on_topic boolean;

-- The deal ledger: on topic when any article reporting it is; its stories; and its
-- confirmation by an official or filing source of one of its parties.
alter table summary_deals add column if not exists on_topic boolean;
alter table summary_deals add column if not exists stories bigint default 0;
alter table summary_deals add column if not exists confirmed_by varchar;
alter table summary_deals add column if not exists confirmed_at timestamptz;
alter table summary_deals add column if not exists confirmed_url varchar;

-- Alerts are digests of one ingest's matching new deals: same items, same delivery ledger.
alter table digests add column if not exists kind varchar default 'digest';  -- digest | alert
-- Whether the deal was confirmed when sent: a confirmation since is an update.
alter table digest_items add column if not exists confirmed boolean;

-- Every day and deal is summarised again, with stories and topics.
insert into summary_dirty_days
select distinct cast(timezone('UTC', coalesce(published, fetched_at)) as date)
from articles
where duplicate_of is null;

insert into summary_dirty_deals
select distinct deal_key from deal_mentions;
