-- Whether the index is built, and the index terms of a query: tokenized and stemmed as
-- the index does it, stopwords dropped (no article holds them). A word of a hit whose
-- stem is one of these is a match (the hit's text was indexed, so its terms are).
with tokens as (
    select unnest(string_split_regex(regexp_replace(
        lower(strip_accents(?::varchar)), '[0-9!@#$%^&*()_+={}\[\]:;<>,.?~\\/\|''"`-]+', ' ', 'g'
    ), '\s+')) as token
),

terms as (
    select distinct stem(token, 'porter') as term
    from tokens
    where token <> '' and token not in (select s.word from search_stopwords as s)
),

final as (
    select
        (select built from search_state) as built,
        coalesce((select list(term order by term) from terms), []) as terms
)

select * from final
