-- Which of these entries are still to do: new, or failed with attempts left, not
-- permanently, and due (or the run retries now). Parameters: keys, max_attempts, retry
-- now, now.
with wanted as (
    select unnest(?::varchar[]) as entry_key
),

final as (
    select e.entry_key
    from entries as e
    inner join wanted as w on w.entry_key = e.entry_key
    where e.state = 'pending'
       or (
           e.state = 'failed'
           and e.attempts < ?
           and coalesce(e.failure_class, 'transient') = 'transient'
           and (?::boolean or e.next_attempt is null or e.next_attempt <= ?::timestamptz)
       )
)

select * from final
