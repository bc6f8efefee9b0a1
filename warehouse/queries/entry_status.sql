-- Entries by state, for `newsmon status`: failed ones by what comes next (tried again
-- when due, waiting for their back-off, never again), with the earliest and the latest
-- next attempt of those waiting. Parameters: max_attempts, now.
with classified as (
    select
        state,
        next_attempt,
        case
            when state = 'pending' then 'next run'
            when state <> 'failed' then 'done'
            when coalesce(failure_class, 'transient') = 'permanent' then 'never: permanent'
            when attempts >= ? then 'never: out of attempts'
            when next_attempt > ? then 'waiting'
            else 'next run'
        end as retry
    from entries
),

final as (
    select
        state,
        retry,
        count(*) as entries,
        min(next_attempt) filter (where retry = 'waiting') as first_due,
        max(next_attempt) filter (where retry = 'waiting') as last_due
    from classified
    group by state, retry
    order by state, retry
)

select * from final
