-- The watchlist entity each name the user typed stands for: an entity's name or one of
-- its aliases, in any case; a name match wins over an alias match.
with asked as (
    select unnest(?::varchar[]) as asked
),

candidates as (
    select
        a.asked,
        e.name,
        lower(e.name) = lower(a.asked) as by_name
    from asked as a
    inner join entities as e
        on
            lower(e.name) = lower(a.asked)
            or list_contains(list_transform(e.aliases, lambda x: lower(x)), lower(a.asked))
),

final as (
    select asked, arg_max(name, by_name) as entity
    from candidates
    group by asked
)

select * from final
