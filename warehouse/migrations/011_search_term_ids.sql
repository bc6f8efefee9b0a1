-- Search postings by term number, with each term's document frequency kept by the batches
-- (warehouse/search.py). A query used to count its terms' postings to get their idf and
-- then read them again to weigh them, comparing strings; now it reads each term's
-- frequency from `search_terms` and its postings by an integer, once.
--
-- The postings are rewritten in place, sorted by term number into one run (a query reads
-- only its terms' row groups). The table keeps its name and is changed by ALTER rather
-- than replaced: DuckLake cannot rename or drop a table in the transaction that created
-- tables (a new lake's first migrations), and the two backends share this file's steps.

-- One row per term ever indexed: its number and how many indexed articles hold it (a
-- batch adds its articles' terms, a removal takes them away; a term no article holds any
-- more keeps its number with df = 0).
create table search_terms (
    term_id integer not null,
    term    varchar not null,
    df      bigint not null
);

insert into search_terms
select
    (row_number() over (order by term))::integer as term_id,
    term,
    count(*) as df
from search_postings
group by term;

create temp table search_postings_by_id as
select t.term_id, p.docid, p.tf, p.len
from search_postings as p
inner join search_terms as t on t.term = p.term;

-- columns first, rows after: DuckDB refuses to commit a table changed after its rows were
alter table search_postings drop column term;

alter table search_postings add column term_id integer;

delete from search_postings;

insert into search_postings (term_id, docid, tf, len)
select term_id, docid, tf, len
from search_postings_by_id
order by term_id, docid;

drop table search_postings_by_id;

-- the unsorted tail starts after the rewritten postings
update search_state set tail_docid = next_docid, tail_postings = 0;
