-- The index terms of a query: tokenized and stemmed as the index does it, and only those
-- some article holds (stopwords and unknown words cannot match).
with tokens as (
    select unnest(string_split_regex(regexp_replace(
        lower(strip_accents(?::varchar)), '[0-9!@#$%^&*()_+={}\[\]:;<>,.?~\\/\|''"`-]+', ' ', 'g'
    ), '\s+')) as token
),

stems as (
    select distinct stem(token, 'porter') as term
    from tokens
    where token <> ''
),

final as (
    select s.term
    from stems as s
    where exists (select 1 from search_postings as p where p.term = s.term)
)

select * from final
