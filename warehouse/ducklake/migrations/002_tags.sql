-- DuckLake version of migrations/002_tags.sql: no primary keys, no boolean defaults
-- (see ducklake/migrations/001_core.sql). Keys: entities (name), mentions (article_id,
-- start_offset), deal_mentions (article_id, deal_index), deal_parties (article_id,
-- deal_index, party), article_tags (article_id).

create table entities (
    name       varchar not null,
    kind       varchar not null,     -- org | person | product | project | publisher | place | regulator
    parent     varchar,              -- roll-up: Azure -> Microsoft
    aliases    varchar[],
    discovered boolean not null,  -- found by pattern, not on the watchlist
    first_seen timestamptz not null
);

create table mentions (
    article_id     varchar not null,
    entity         varchar not null,
    kind           varchar not null,
    surface        varchar not null,
    start_offset   integer not null,
    end_offset     integer not null,
    sentence_index integer not null,
    discovered     boolean not null,
    tagger_version varchar not null
);

create table deal_mentions (
    article_id       varchar not null,
    deal_index       integer not null,   -- order within the article
    deal_key         varchar not null,   -- type + parties + amount band: the same deal across outlets
    type             varchar not null,   -- investment | acquisition | partnership | joint_venture | contract | licensing
    status           varchar not null,   -- announced | completed | reported | in_talks | planned | failed
    parties          varchar[] not null, -- canonical names, sorted
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

create table deal_parties (
    article_id     varchar not null,
    deal_index     integer not null,
    party          varchar not null,
    role           varchar not null,     -- investor/target, acquirer/target, licensor/licensee, supplier/customer, partner
    stake          double,               -- fraction held, when stated
    tagger_version varchar not null
);

-- Which articles are tagged, by which tagger version: `retag` finds stale ones here.
create table article_tags (
    article_id     varchar not null,
    tagger_version varchar not null,
    tagged_at      timestamptz not null,
    mentions       integer not null,
    deals          integer not null
);
