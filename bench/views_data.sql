-- Synthetic warehouse for bench/views.py: set-based inserts over range(), no Python loops.
-- Each section runs as one statement, in order, with named parameters bound by the bench.
-- Article n is published at start + n/N of the span (plus up to 2 h of jitter), so article
-- numbers follow time; every tenth article (n % 10 = 9) is a syndicated copy of article
-- n - 1. Draws are hashes of the row's numbers, so a given size always gives the same data.
-- Popularity (of entities, of words) is Zipf-like: rank = floor(size ^ u), u uniform.

-- name: vocabulary
-- Stopwords and news words first (the most frequent), then made-up words of three
-- syllables for the long tail, up to $vocab words.
create or replace temp table bench_vocabulary as
with known as (
    select unnest($words::varchar[]) as word, generate_subscripts($words::varchar[], 1) as rank
),

syllables as (
    select unnest($syllables::varchar[]) as s
),

made_up as (
    select a.s || b.s || c.s as word
    from syllables as a, syllables as b, syllables as c
),

tail as (
    select word, (select count(*) from known) + row_number() over (order by hash(word)) as rank
    from made_up
    where word not in (select word from known)
),

final as (
    select list(word order by rank) as words
    from (select * from known union all select * from tail where rank <= $vocab)
)

select * from final;

-- name: discovered_entities
-- Organisations found by pattern, not on the watchlist: the long tail of new_entities.
insert into entities
with numbered as (
    select range as i
    from range($discovered)
),

final as (
    select
        'Synthetic Org ' || i as name,
        'org' as kind,
        null as parent,
        []::varchar[] as aliases,
        true as discovered,
        $start::timestamptz + to_seconds((hash(i, 'found') % $span_s)::bigint) as first_seen
    from numbered
)

select * from final;

-- name: entity_ranks
-- Popularity rank of every entity: the pinned names first, in their order; the rest in
-- hash order. Organisations also get a rank among organisations, for deal parties.
create or replace temp table bench_entity_ranks as
with ranked as (
    select
        name,
        kind,
        discovered,
        row_number() over (
            order by coalesce(list_position($pinned::varchar[], name), 1000000), hash(name)
        ) as rank
    from entities
),

final as (
    select
        *,
        case when kind = 'org' then row_number() over (partition by kind order by rank) end
            as org_rank
    from ranked
)

select * from final;

-- name: feeds
insert into feeds (
    name, url, source, enabled, last_polled, last_success, last_status, last_http_status,
    last_error, consecutive_failures, next_poll, disabled_reason, added_at, failure_weight,
    last_failure_class, disabled_at
)
with numbered as (
    select range as i, hash(range, 'feed') % 100 as roll
    from range($feeds)
),

final as (
    select
        printf('feed-%04d', i) as name,
        printf('https://news-%04d.example/rss.xml', i) as url,
        'config' as source,
        roll <> 0 as enabled,
        $end::timestamptz - interval 20 minute as last_polled,
        case when roll >= 10 then $end::timestamptz - interval 20 minute
            else $end::timestamptz - interval 3 day end as last_success,
        case when roll < 10 then 'error' when roll < 40 then 'not_modified' else 'ok' end
            as last_status,
        case when roll < 10 then 503 when roll < 40 then 304 else 200 end as last_http_status,
        case when roll < 10 then 'HTTP 503' end as last_error,
        case when roll < 10 then roll::integer else 0 end as consecutive_failures,
        $end::timestamptz + interval 40 minute as next_poll,
        case when roll = 1 then 'failing for 7 days' end as disabled_reason,
        $start::timestamptz as added_at,
        case when roll < 10 then roll * 0.5 else 0 end as failure_weight,
        case when roll < 10 then 'temporary' end as last_failure_class,
        case when roll = 1 then $end::timestamptz - interval 1 day end as disabled_at
    from numbered
)

select * from final;

-- name: articles
insert into articles by name
with numbered as (
    select
        range as n,
        range % 10 = 9 as is_copy,
        hash(range, 'feed') % $feeds as feed,
        $start::timestamptz
        + to_seconds((range * ($span_s / $articles) + hash(range, 'at') % 7200)::bigint)
            as published
    from range($articles)
),

texts as (
    select
        n.*,
        case when not is_copy then array_to_string(
            list_transform(
                range(8), i -> v.words[floor(pow($vocab, (hash(n, i, 't') % 1000000) / 1e6))::int]
            ),
            ' '
        ) end as title,
        case when not is_copy then array_to_string(
            list_transform(
                range($min_words + (hash(n, 'length') % $spread_words)::bigint),
                i -> v.words[floor(pow($vocab, (hash(n, i) % 1000000) / 1e6))::int]
            ),
            ' '
        ) end as text
    from numbered as n, bench_vocabulary as v
),

final as (
    select
        md5('bench-article-' || n) as article_id,
        printf('https://news-%04d.example/a/%d', feed, n) as url,
        printf('https://news-%04d.example/a/%d', feed, n) as canonical_url,
        printf('feed-%04d', feed) as feed_name,
        title,
        'Staff writer' as author,
        published,
        printf('News %04d', feed) as sitename,
        'en' as language,
        text,
        md5('bench-content-' || (n - is_copy::int)) as content_hash,
        md5('bench-raw-' || n) as raw_hash,
        case when is_copy then md5('bench-article-' || (n - 1)) end as duplicate_of,
        'bench' as extractor_version,
        published + interval 30 minute as fetched_at,
        published + interval 31 minute as stored_at,
        'bench-run' as run_id
    from texts
)

select * from final;

-- name: entries
insert into entries by name  -- by name: later migrations add columns (007: the outlet)
with numbered as (
    select range as n, hash(range, 'feed') % $feeds as feed, range % 10 = 9 as is_copy
    from range($articles)
),

final as (
    select
        md5('bench-entry-' || n) as entry_key,
        printf('feed-%04d', feed) as feed_name,
        printf('https://news-%04d.example/a/%d', feed, n) as url,
        printf('https://news-%04d.example/a/%d', feed, n) as guid,
        null as title,
        null as published,
        $start::timestamptz
        + to_seconds((n * ($span_s / $articles) + 1800)::bigint) as first_seen,
        case when is_copy then 'duplicate' else 'stored' end as state,
        1 as attempts,
        md5('bench-article-' || n) as article_id,
        null as last_error
    from numbered
)

select * from final;

-- name: fetch_errors
insert into fetch_errors
with numbered as (
    select range as i, hash(range, 'feed') % $feeds as feed
    from range($errors)
),

final as (
    select
        'bench-run' as run_id,
        $start::timestamptz + to_seconds((hash(i, 'at') % $span_s)::bigint) as occurred_at,
        'fetch' as stage,
        ['timeout', 'http_404', 'http_503', 'too_large'][1 + i % 4] as kind,
        printf('https://news-%04d.example/a/e%d', feed, i) as url,
        printf('feed-%04d', feed) as feed_name,
        'synthetic failure' as message
    from numbered
)

select * from final;

-- name: mentions
-- Originals only (a syndicated copy has no text of its own); 1 to $spread_mentions
-- mentions each, entities drawn by popularity rank, offsets 60 characters apart.
insert into mentions
with originals as (
    select range as n, md5('bench-article-' || range) as article_id
    from range($articles)
    where range % 10 <> 9
),

slots as (
    select n, article_id, unnest(range(1 + (hash(n, 'mentions') % $spread_mentions)::bigint)) as j
    from originals
),

drawn as (
    select
        *,
        floor(pow($entities + 1, (hash(n, j, 'entity') % 1000000) / 1e6))::bigint as rank
    from slots
),

final as (
    select
        d.article_id,
        e.name as entity,
        e.kind,
        e.name as surface,
        (d.j * 60 + hash(d.n, d.j) % 40)::integer as start_offset,
        (d.j * 60 + hash(d.n, d.j) % 40 + length(e.name))::integer as end_offset,
        (d.j // 3)::integer as sentence_index,
        e.discovered,
        'bench' as tagger_version
    from drawn as d
    inner join bench_entity_ranks as e on e.rank = d.rank
)

select * from final;

-- name: article_tags
insert into article_tags
with counted as (
    select article_id, count(*) as mentions
    from mentions
    group by all
),

final as (
    select
        c.article_id,
        'bench' as tagger_version,
        a.stored_at as tagged_at,
        c.mentions::integer as mentions,
        0 as deals
    from counted as c
    inner join articles as a on a.article_id = c.article_id
)

select * from final;

-- name: deal_mentions
-- $deals deals, each reported by 1 to 3 consecutive originals (article (3 d + j) * $step,
-- or the next one when that is a syndicated copy: never the same article twice).
insert into deal_mentions
with deals as (
    select
        range as d,
        1 + (hash(range, 'copies') % 3)::bigint as copies,
        ['investment', 'acquisition', 'partnership', 'joint_venture', 'contract', 'licensing'][
            1 + (hash(range, 'type') % 6)::bigint
        ] as type,
        floor(pow($orgs + 1, (hash(range, 'p1') % 1000000) / 1e6))::bigint as p1,
        floor(pow($orgs + 1, (hash(range, 'p2') % 1000000) / 1e6))::bigint as p2,
        case when hash(range, 'amount') % 10 < 6
            then round(pow(10, 6 + (hash(range, 'size') % 40) / 10), -5) end as amount_usd
    from range($deals)
),

parties as (
    select
        d.*,
        list_sort([a.name, b.name]) as parties
    from deals as d
    inner join bench_entity_ranks as a on a.org_rank = d.p1
    inner join bench_entity_ranks as b on b.org_rank = case when d.p2 = d.p1 then d.p1 % $orgs + 1 else d.p2 end
),

sightings as (
    select *, unnest(range(copies)) as j
    from parties
),

placed as (
    select
        *,
        case when ((3 * d + j) * $step) % 10 = 9 then (3 * d + j) * $step + 1
            else (3 * d + j) * $step end as n
    from sightings
),

final as (
    select
        md5('bench-article-' || n) as article_id,
        0 as deal_index,
        md5(type || array_to_string(parties, '|') || coalesce(amount_usd::varchar, '')) as deal_key,
        type,
        ['announced', 'reported', 'completed', 'in_talks'][1 + least(j, 3)] as status,
        parties,
        case when j < 2 then amount_usd else round(amount_usd * 1.1, -5) end as amount_usd,
        case when amount_usd is not null then printf('$%.1f million', amount_usd / 1e6) end
            as amount_text,
        null as amount_qualifier,
        null as valuation_usd,
        null as year,
        hash(d, j, 'background') % 10 = 0 as background,
        null as name,
        printf('%s and %s announced a %s.', parties[1], parties[2], type) as sentence,
        1 as sentence_index,
        'bench' as tagger_version
    from placed
    where n < $articles
)

select * from final;

-- name: deal_parties
insert into deal_parties
with roles as (
    select
        article_id,
        deal_index,
        type,
        unnest(parties) as party,
        generate_subscripts(parties, 1) as position
    from deal_mentions
),

final as (
    select
        article_id,
        deal_index,
        party,
        case
            when type = 'acquisition' then ['acquirer', 'target'][position]
            when type = 'investment' then ['investor', 'target'][position]
            when type = 'licensing' then ['licensor', 'licensee'][position]
            when type = 'contract' then ['supplier', 'customer'][position]
            else 'partner'
        end as role,
        null as stake,
        'bench' as tagger_version
    from roles
)

select * from final;
