-- The official and filing sources now (feeds.kind and feeds.entities), and the ones the
-- deal summary was built with: when they change, every deal's confirmation may have.
with now_built as (
    select cast(coalesce(bit_xor(hash(name, kind, entities)), 0) as varchar) as value
    from feeds
    where kind in ('official', 'filing')
),

built as (
    select any_value(value) as value
    from summary_state
    where name = 'sources'
),

final as (
    select n.value as current, b.value as built
    from now_built as n, built as b
)

select * from final
