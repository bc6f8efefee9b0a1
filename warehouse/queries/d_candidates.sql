-- The input of a digest: deals (from the deal ledger) with a sighting stored after `?`,
-- with the roles of their parties and every article that reported them, syndicated
-- copies included. Stored time is ingest time, so a story published late is not lost.
with carriers as (
    select
        coalesce(duplicate_of, article_id) as original_id,
        article_id,
        canonical_url as url,
        title,
        sitename as outlet,
        published,
        stored_at
    from articles
),

sightings as (
    select dm.deal_key, dm.name, c.url, c.title, c.outlet, c.published, c.stored_at
    from deal_mentions as dm
    inner join carriers as c on c.original_id = dm.article_id
),

fresh as (
    select deal_key, max(stored_at) as last_stored_at, any_value(name) as name
    from sightings
    group by deal_key
    having max(stored_at) > ?
),

roles as (
    select dm.deal_key, dp.party, mode(dp.role) as role
    from deal_parties as dp
    inner join deal_mentions as dm using (article_id, deal_index)
    where dm.deal_key in (select deal_key from fresh)
    group by all
),

party_lists as (
    select deal_key, list({'name': party, 'role': role} order by party) as parties
    from roles
    group by deal_key
),

source_rows as (
    select distinct deal_key, url, title, outlet, published
    from sightings
    where deal_key in (select deal_key from fresh)
),

source_lists as (
    select
        deal_key,
        list(
            {'url': url, 'title': title, 'outlet': outlet, 'published': published}
            order by published nulls last, url
        ) as sources
    from source_rows
    group by deal_key
),

final as (
    select
        l.deal_key,
        l.type,
        l.status,
        l.amount_usd,
        l.amount_text,
        l.amount_qualifier,
        l.evidence,
        l.first_seen,
        l.first_stored_at,
        l.first_source_url,
        l.background_only,
        l.confirmed_by,
        l.confirmed_at,
        l.confirmed_url,
        f.name,
        f.last_stored_at,
        coalesce(p.parties, []) as parties,
        coalesce(s.sources, []) as sources
    from deal_ledger as l
    inner join fresh as f on f.deal_key = l.deal_key
    left join party_lists as p on p.deal_key = l.deal_key
    left join source_lists as s on s.deal_key = l.deal_key
    order by l.deal_key
)

select * from final
