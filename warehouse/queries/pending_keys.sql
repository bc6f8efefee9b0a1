-- Which of these entries are still to do: new, or failed with attempts left.
with wanted as (
    select unnest(?::varchar[]) as entry_key
),

final as (
    select e.entry_key
    from entries as e
    inner join wanted as w on w.entry_key = e.entry_key
    where e.state = 'pending' or (e.state = 'failed' and e.attempts < ?)
)

select * from final
