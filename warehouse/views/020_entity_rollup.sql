-- Each entity with the top of its parent chain (GitHub Copilot -> Microsoft, Google -> Alphabet).
create or replace view entity_rollup as
with recursive chain (name, ancestor, depth) as (
    select name, name, 0 from entities
    union all
    select c.name, e.parent, c.depth + 1
    from chain as c
    inner join entities as e on e.name = c.ancestor
    where e.parent is not null and c.depth < 10
),

final as (
    select name, arg_max(ancestor, depth) as top_parent
    from chain
    group by name
)

select * from final;
