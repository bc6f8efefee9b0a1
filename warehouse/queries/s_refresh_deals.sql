-- Recompute summary_deals for the marked deal keys: one row per deal across all outlets
-- that reported it (syndicated copies count as sources too). Status is the latest
-- reported; the amount is the one stated most often (ties: the latest).
-- `background_only` marks deals only ever restated as history. A deal is on topic when
-- any article reporting it is; `stories` counts the near-duplicate stories among them.
-- It is confirmed by the first sighting in an official or filing source (feeds.kind) of
-- one of its parties (feeds.entities, both sides rolled up to their top parent).
delete from summary_deals where deal_key in (select deal_key from summary_dirty_deals);

insert into summary_deals by name
with carriers as (
    select
        coalesce(duplicate_of, article_id) as original_id,
        article_id,
        canonical_url as url,
        coalesce(published, fetched_at) as seen_at,
        stored_at,
        feed_name,
        not coalesce(off_topic, false) as on_topic,
        coalesce(story_id, duplicate_of, article_id) as story_id
    from articles
),

sightings as (
    select
        dm.deal_key,
        dm.type,
        dm.parties,
        dm.status,
        dm.amount_usd,
        dm.amount_text,
        dm.amount_qualifier,
        dm.background,
        dm.sentence,
        c.article_id,
        c.url,
        c.seen_at,
        c.stored_at,
        c.feed_name,
        c.on_topic,
        c.story_id
    from deal_mentions as dm
    inner join carriers as c on c.original_id = dm.article_id
    where dm.deal_key in (select deal_key from summary_dirty_deals)
),

amount_votes as (
    select
        deal_key,
        amount_usd,
        any_value(amount_text) as amount_text,
        any_value(amount_qualifier) as amount_qualifier,
        count(*) as votes,
        max(seen_at) as latest
    from sightings
    where amount_usd is not null
    group by all
),

source_families as (
    select distinct e.name as feed_name, coalesce(r.top_parent, e.entity) as family
    from (select name, unnest(entities) as entity from feeds where kind in ('official', 'filing'))
        as e
    left join entity_rollup as r on r.name = e.entity
),

primary_sightings as (
    select deal_key, feed_name, url, seen_at, unnest(parties) as party
    from sightings
    where feed_name in (select feed_name from source_families)
),

confirmations as (
    select
        p.deal_key,
        arg_min(p.feed_name, p.seen_at) as confirmed_by,
        min(p.seen_at) as confirmed_at,
        arg_min(p.url, p.seen_at) as confirmed_url
    from primary_sightings as p
    left join entity_rollup as r on r.name = p.party
    inner join source_families as s
        on s.feed_name = p.feed_name and s.family = coalesce(r.top_parent, p.party)
    group by p.deal_key
),

best_amount as (
    select *
    from amount_votes
    qualify row_number() over (partition by deal_key order by votes desc, latest desc) = 1
),

final as (
    select
        s.deal_key,
        any_value(s.type) as type,
        any_value(s.parties) as parties,
        any_value(b.amount_usd) as amount_usd,
        any_value(b.amount_text) as amount_text,
        any_value(b.amount_qualifier) as amount_qualifier,
        arg_max(s.status, s.seen_at) as status,
        min(s.seen_at) as first_seen,
        max(s.seen_at) as last_seen,
        min(s.stored_at) as first_stored_at,
        arg_min(s.url, s.seen_at) as first_source_url,
        arg_min(s.sentence, s.seen_at) as evidence,
        list_sort(list(distinct s.url)) as sources,
        count(distinct s.article_id) as articles,
        bool_and(s.background) as background_only,
        bool_or(s.on_topic) as on_topic,
        count(distinct s.story_id) as stories,
        any_value(c.confirmed_by) as confirmed_by,
        any_value(c.confirmed_at) as confirmed_at,
        any_value(c.confirmed_url) as confirmed_url
    from sightings as s
    left join best_amount as b on b.deal_key = s.deal_key
    left join confirmations as c on c.deal_key = s.deal_key
    group by s.deal_key
    order by first_seen, s.deal_key
)

select * from final;
