-- Take articles out of the index ($1: their ids), with their share of the aggregates and
-- of their terms' document frequencies.
create or replace temp table search_leaving as
select docid, len
from search_docs
where article_id in (select unnest($1::varchar[]));

update search_state set
    num_docs = num_docs - (select count(*) from search_leaving),
    total_len = total_len - (select coalesce(sum(len), 0) from search_leaving);

update search_terms set df = search_terms.df - r.docs
from (
    select term_id, count(*) as docs
    from search_postings
    where docid in (select docid from search_leaving)
    group by term_id
) as r
where r.term_id = search_terms.term_id;

delete from search_postings
where docid in (select docid from search_leaving);

delete from search_docs
where docid in (select docid from search_leaving);
