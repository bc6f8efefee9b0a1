-- Each word with its index term, to find where a query term occurs in a text. The words
-- come as one space-separated string (they hold no spaces): a Python list of thousands of
-- strings costs DuckDB's client far more to convert than the stemming itself.
with words as (
    select unnest(string_split(?, ' ')) as word
),

final as (
    select word, stem(lower(strip_accents(word)), 'porter') as term
    from words
)

select * from final
