-- In the write transaction: the documents the batch stored (their ids bound second),
-- from those split into terms before it (`search_tokens_docs.sql`, the file bound
-- first), numbered after the last docid as `search_tokenize.sql` numbers them.
create or replace temp table search_incoming_docs as
with tokenized as (
    select article_id, seen_at
    from read_parquet(?)
    where article_id in (select unnest(?::varchar[]))
),

numbered as (
    select
        s.next_docid + row_number() over (order by t.article_id) - 1 as docid,
        t.article_id,
        t.seen_at
    from tokenized as t
    cross join search_state as s
),

final as (
    select * from numbered
)

select * from final
