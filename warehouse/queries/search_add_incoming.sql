-- Add the documents in `search_incoming_docs` and their terms in
-- `search_incoming_postings` (`search_tokenize.sql` or `search_load_tokens.sql`) to the
-- index: number the terms not seen before, add the batch's documents to its terms'
-- document frequencies, and append the documents and their postings.
-- `search_state` keeps the document count and total length, from which a query computes
-- BM25's average length; `search_terms` the frequencies, from which it computes the idf.
insert into search_docs
with final as (
    select
        d.docid,
        d.article_id,
        coalesce(l.len, 0)::integer as len,
        d.seen_at,
        cast(timezone('UTC', d.seen_at) as date) as day
    from search_incoming_docs as d
    left join (
        select distinct docid, len from search_incoming_postings
    ) as l on l.docid = d.docid
    order by d.docid
)

select * from final;

-- terms the index has not seen: numbered after the last
insert into search_terms
with known as (
    select coalesce(max(term_id), 0) as last_id
    from search_terms
),

unseen as (
    select distinct i.term
    from search_incoming_postings as i
    where i.term not in (select t.term from search_terms as t)
),

final as (
    select
        (k.last_id + row_number() over (order by u.term))::integer as term_id,
        u.term,
        0::bigint as df
    from unseen as u
    cross join known as k
)

select * from final;

update search_terms set df = search_terms.df + b.docs
from (
    select term, count(*) as docs
    from search_incoming_postings
    group by term
) as b
where b.term = search_terms.term;

-- in term order: the slices of a rebuild are each a sorted run
insert into search_postings (term_id, docid, tf, len)
select t.term_id, i.docid, i.tf, i.len
from search_incoming_postings as i
inner join search_terms as t on t.term = i.term
order by t.term_id, i.docid;

update search_state set
    num_docs = num_docs + (select count(*) from search_incoming_docs),
    total_len = total_len + (select coalesce(sum(tf), 0) from search_incoming_postings),
    next_docid = next_docid + (select count(*) from search_incoming_docs),
    tail_postings = tail_postings + (select count(*) from search_incoming_postings);
