-- The deal ledger for the report: deals last reported on or after a day, newest first,
-- each source with its article's title and outlet.
with params as (
    select ?::date as since, ?::bigint as top
),

chosen as (
    select l.*
    from deal_ledger as l, params as p
    where p.since is null or l.last_seen >= p.since
    order by l.first_seen desc, l.articles desc, l.deal_key
    limit (select top from params)
),

source_links as (
    select
        c.deal_key,
        list(
            {'url': s.url, 'title': a.title, 'sitename': a.sitename}
            order by coalesce(a.published, a.fetched_at), s.url
        ) as source_links
    from chosen as c, unnest(c.sources) as s (url)
    left join articles as a on a.canonical_url = s.url
    group by c.deal_key
),

final as (
    select
        c.deal_key,
        c.type,
        c.parties,
        c.amount_usd,
        c.amount_text,
        c.status,
        c.first_seen,
        c.last_seen,
        c.first_source_url,
        s.source_links,
        c.articles,
        c.background_only,
        c.evidence
    from chosen as c
    left join source_links as s on s.deal_key = c.deal_key
    order by c.first_seen desc, c.articles desc, c.deal_key
)

select * from final
