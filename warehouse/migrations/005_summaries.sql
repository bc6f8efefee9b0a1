-- Summary tables behind the trend views: derived data, kept current by
-- `warehouse.summaries.refresh` in the same transaction as every write of articles or
-- tags. A write marks the days (and deal keys) it touched; the refresh recomputes just
-- those from the base tables, so one entity over one year reads a few thousand rows,
-- not the ten million mentions under them. No primary keys: DuckLake has none, and a
-- refresh deletes and re-inserts whole days (or deals), so a key is never written twice.

-- Per day (of the original article), entity and mention kind.
create table summary_entity_day (
    day        date not null,
    entity     varchar not null,
    kind       varchar not null,
    articles   bigint not null,
    mentions   bigint not null,
    first_seen timestamptz not null,
    last_seen  timestamptz not null
);

-- The same per week (the Monday that starts it), without times: what the weekly trends
-- add up over every entity, so they need not group the daily rows of a whole year.
create table summary_entity_week (
    week     date not null,
    entity   varchar not null,
    kind     varchar not null,
    articles bigint not null
);

-- Per day and top parent (entity_rollup): an article naming Microsoft and Azure counts once.
create table summary_rollup_day (
    day      date not null,
    entity   varchar not null,
    articles bigint not null,
    mentions bigint not null
);

-- Per day and pair of entities in the same article (entity_a < entity_b).
create table summary_pair_day (
    day        date not null,
    entity_a   varchar not null,
    entity_b   varchar not null,
    articles   bigint not null,
    first_seen timestamptz not null,
    last_seen  timestamptz not null
);

-- One row per deal key: what the deal_ledger view shows.
create table summary_deals (
    deal_key         varchar not null,
    type             varchar not null,
    parties          varchar[] not null,
    amount_usd       double,
    amount_text      varchar,
    amount_qualifier varchar,
    status           varchar not null,
    first_seen       timestamptz not null,
    last_seen        timestamptz not null,
    first_stored_at  timestamptz not null,
    first_source_url varchar not null,
    evidence         varchar not null,
    sources          varchar[] not null,
    articles         bigint not null,
    background_only  boolean not null
);

-- What the next refresh recomputes (a key may be marked more than once).
create table summary_dirty_days (day date not null);
create table summary_dirty_deals (deal_key varchar not null);

-- Fingerprints the summaries were built with (the parent chains behind the roll-up).
create table summary_state (name varchar not null, value varchar not null);

-- A database from before this migration: every day and every deal is to be summarised.
insert into summary_dirty_days
select distinct cast(timezone('UTC', coalesce(published, fetched_at)) as date)
from articles
where duplicate_of is null;

insert into summary_dirty_deals
select distinct deal_key from deal_mentions;
