-- Each word with its index term, to find where a query term occurs in a text.
with words as (
    select unnest(?::varchar[]) as word
),

final as (
    select word, stem(lower(strip_accents(word)), 'porter') as term
    from words
)

select * from final
