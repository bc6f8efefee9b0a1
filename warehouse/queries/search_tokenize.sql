-- Split the documents in `search_incoming` into terms as the fts extension does (lower
-- case, accents stripped, split at digits, punctuation and spaces; stopwords dropped;
-- Porter stems), numbered after the last docid, and count each term per document. Run in
-- the write transaction by a rebuild; a batch runs it before its transaction, in a
-- scratch database with the same stopwords (`warehouse.search.tokenize`).
create or replace temp table search_incoming_docs as
with numbered as (
    select
        s.next_docid + row_number() over (order by i.article_id) - 1 as docid,
        i.article_id,
        i.title,
        i.text,
        i.seen_at
    from search_incoming as i
    cross join search_state as s
),

final as (
    select * from numbered
)

select * from final;

create or replace temp table search_incoming_postings as
with words as (
    select
        docid,
        unnest(string_split_regex(regexp_replace(
            lower(strip_accents(title)), '[0-9!@#$%^&*()_+={}\[\]:;<>,.?~\\/\|''"`-]+', ' ', 'g'
        ), '\s+')) as word
    from search_incoming_docs
    union all
    select
        docid,
        unnest(string_split_regex(regexp_replace(
            lower(strip_accents(text)), '[0-9!@#$%^&*()_+={}\[\]:;<>,.?~\\/\|''"`-]+', ' ', 'g'
        ), '\s+')) as word
    from search_incoming_docs
),

-- Stemming is most of the work: each distinct word is stemmed once, not each occurrence.
vocabulary as (
    select word, stem(word, 'porter') as term
    from (select distinct word from words)
    where word <> '' and word not in (select s.word from search_stopwords as s)
),

counted as (
    select v.term, w.docid, count(*)::integer as tf
    from words as w
    inner join vocabulary as v on v.word = w.word
    group by all
),

lengths as (
    select docid, sum(tf)::integer as len
    from counted
    group by docid
),

final as (
    select c.term, c.docid, c.tf, l.len
    from counted as c
    inner join lengths as l on l.docid = c.docid
)

select * from final;
