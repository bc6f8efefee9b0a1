-- Recompute summary_deals for the marked deal keys: one row per deal across all outlets
-- that reported it (syndicated copies count as sources too). Status is the latest
-- reported; the amount is the one stated most often (ties: the latest).
-- `background_only` marks deals only ever restated as history.
delete from summary_deals where deal_key in (select deal_key from summary_dirty_deals);

insert into summary_deals
with carriers as (
    select
        coalesce(duplicate_of, article_id) as original_id,
        article_id,
        canonical_url as url,
        coalesce(published, fetched_at) as seen_at,
        stored_at
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
        c.stored_at
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
        bool_and(s.background) as background_only
    from sightings as s
    left join best_amount as b on b.deal_key = s.deal_key
    group by s.deal_key
    order by first_seen, s.deal_key
)

select * from final;
