-- Sort the postings added since the last sort (docids from `tail_docid` on) into a run
-- of their own, ordered by term, so a query reads only its terms' row groups there too.
-- The work is bounded by the tail's length (search.RUN_POSTINGS), not by the warehouse.
create or replace temp table search_tail as
select p.term_id, p.docid, p.tf, p.len
from search_postings as p
where p.docid >= (select tail_docid from search_state);

delete from search_postings
where docid >= (select tail_docid from search_state);

insert into search_postings (term_id, docid, tf, len)
select term_id, docid, tf, len
from search_tail
order by term_id, docid;

update search_state set tail_docid = next_docid, tail_postings = 0;

drop table search_tail;
