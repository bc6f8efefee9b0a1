-- Entity names close to a name that matched none, for a "did you mean" hint.
with scored as (
    select name, jaro_winkler_similarity(lower(name), lower(?)) as similarity
    from entities
),

final as (
    select name
    from scored
    where similarity >= 0.8
    order by similarity desc, name
    limit 3
)

select * from final
