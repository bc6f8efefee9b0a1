-- Entity -> parent, for rolling deal parties up to the entities of interest.
with final as (
    select name, parent
    from entities
)

select * from final
