-- DuckLake version of migrations/003_digests.sql: no primary keys. Keys: digests
-- (digest_id), digest_items (digest_id, deal_key), digest_deliveries (digest_id, channel).

create table digests (
    digest_id    varchar not null,
    created      timestamptz not null,
    period_start timestamptz,            -- the previous watermark (or --since); null: from the start
    watermark    timestamptz,            -- the latest article stored_at the digest covers
    status       varchar not null,       -- pending | sent | empty
    channels     varchar[] not null,     -- every one must succeed before the watermark moves
    deal_keys    varchar[] not null,
    content      json not null,          -- the digest as data: a retry sends exactly this
    completed    timestamptz
);

-- What a digest said about each deal: the next digest compares status and amount with it.
create table digest_items (
    digest_id   varchar not null,
    deal_key    varchar not null,
    rank        integer not null,        -- 1 = first in the digest
    is_update   boolean not null,
    status      varchar not null,
    amount_usd  double,
    amount_text varchar
);

-- One row per digest and channel: a channel that got a digest is never sent it again.
create table digest_deliveries (
    digest_id    varchar not null,
    channel      varchar not null,       -- file | email | webhook
    status       varchar not null,       -- sent | failed
    attempts     integer not null,
    last_attempt timestamptz not null,
    delivered_at timestamptz,
    detail       varchar                 -- where it went, or what went wrong
);
