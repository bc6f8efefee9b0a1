with final as (
    select 'feeds' as "table", count(*) as "rows" from feeds
    union all select 'entries', count(*) from entries
    union all select 'articles', count(*) from articles
    union all select 'fetch_errors', count(*) from fetch_errors
    union all select 'ingest_runs', count(*) from ingest_runs
    union all select 'entities', count(*) from entities
    union all select 'mentions', count(*) from mentions
    union all select 'deal_mentions', count(*) from deal_mentions
)

select * from final
