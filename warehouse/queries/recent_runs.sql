with final as (
    select
        run_id[:8] as run,
        started_at,
        finished_at,
        status,
        feeds_polled,
        feeds_not_modified,
        feeds_failed,
        entries_new,
        articles_stored,
        duplicates,
        errors
    from ingest_runs
    order by started_at desc
    limit ?
)

select * from final
