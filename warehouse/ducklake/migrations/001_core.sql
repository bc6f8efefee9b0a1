-- DuckLake version of migrations/001_core.sql: the same tables and columns, without
-- what a DuckLake catalog cannot hold (primary keys; defaults that are not literals, such
-- as now() and true/false). Keys are kept unique by the MERGE statements in
-- ducklake/queries/, run by one writer at a time (see warehouse/lake.py).
-- Keys: feeds (name), entries (entry_key), articles (article_id), ingest_runs (run_id).

create table feeds (
    name                 varchar not null,
    url                  varchar not null,
    source               varchar not null default 'config',  -- config | cli | demo
    enabled              boolean not null,
    etag                 varchar,
    last_modified        varchar,
    last_polled          timestamptz,
    last_success         timestamptz,
    last_status          varchar,          -- ok | not_modified | error
    last_http_status     integer,
    last_error           varchar,
    bozo_reason          varchar,
    consecutive_failures integer not null default 0,
    next_poll            timestamptz,
    disabled_reason      varchar,
    added_at             timestamptz not null  -- set by the insert: no now() default here
);

-- Every feed entry ever listed: the incremental state of ingestion, kept with the data.
-- 'pending' entries are fetched by the next run, so a crashed run loses nothing.
create table entries (
    entry_key    varchar not null,          -- hash of feed name + guid (or URL)
    feed_name    varchar not null,
    url          varchar not null,
    guid         varchar,
    title        varchar,
    published    timestamptz,
    first_seen   timestamptz not null,
    state        varchar not null default 'pending',  -- pending | stored | duplicate | failed
    attempts     integer not null default 0,
    article_id   varchar,
    last_error   varchar
);

create table articles (
    article_id        varchar not null,     -- hash of the canonical URL
    url               varchar not null,        -- as listed by the feed
    canonical_url     varchar not null,
    feed_name         varchar,
    title             varchar,
    author            varchar,
    published         timestamptz,
    sitename          varchar,
    language          varchar,
    text              varchar,                  -- null for a duplicate: the original holds it
    content_hash      varchar not null,
    raw_hash          varchar,                  -- key of the stored raw HTML
    duplicate_of      varchar,                  -- article_id of the original, for syndicated copies
    extractor_version varchar not null,
    fetched_at        timestamptz not null,
    stored_at         timestamptz not null,
    run_id            varchar
);

create table fetch_errors (
    run_id    varchar,
    occurred_at timestamptz not null,
    stage     varchar not null,   -- poll | fetch | extract | tag | store
    kind      varchar not null,   -- machine-readable reason: timeout, too_large, http_404, ...
    url       varchar not null,
    feed_name varchar,
    message   varchar
);

create table ingest_runs (
    run_id             varchar not null,
    flow_run_id        varchar,
    started_at         timestamptz not null,
    finished_at        timestamptz,
    status             varchar not null,   -- running | completed | failed
    feeds_polled       integer default 0,
    feeds_not_modified integer default 0,
    feeds_failed       integer default 0,
    entries_new        integer default 0,
    pages_fetched      integer default 0,
    articles_stored    integer default 0,
    duplicates         integer default 0,
    errors             integer default 0
);
