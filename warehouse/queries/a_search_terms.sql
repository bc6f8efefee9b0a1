-- The index terms of a query: tokenized and stemmed as the index does it, and only those
-- in the index's dictionary (stopwords and unknown words cannot match).
with tokens as (
    select unnest(fts_main_search_documents.tokenize(?)) as token
),

stems as (
    select distinct stem(token, 'porter') as term
    from tokens
    where token <> ''
),

final as (
    select s.term
    from stems as s
    inner join fts_main_search_documents.dict as d on d.term = s.term
)

select * from final
