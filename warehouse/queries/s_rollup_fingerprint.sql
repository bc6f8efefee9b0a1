-- The parent chains now (entity_rollup), and the ones the roll-up summary was built with.
-- Only entities under a parent count: discovered names, added every batch, have none.
with now_built as (
    select cast(coalesce(bit_xor(hash(name, top_parent)), 0) as varchar) as value
    from entity_rollup
    where top_parent <> name
),

built as (
    select any_value(value) as value
    from summary_state
    where name = 'rollup'
),

final as (
    select n.value as current, b.value as built
    from now_built as n, built as b
)

select * from final
