-- Original articles ranked by BM25 for a query (any term may match), optionally only
-- those seen on or after a day ($2), and only those naming an entity or anything under
-- it ($3: `Microsoft` also finds Azure and GitHub Copilot). Best first; ties: the newest.
-- The score is the fts extension's `match_bm25` over title and text (k = 1.2, b = 0.75),
-- from newsmon's own postings (warehouse/search.py): per query term, its idf from the
-- number of documents holding it (the postings read) and the document count; per
-- posting, the term's count against the document's length and the average length.
-- Filters are constants ($2, $3), not a join with a params row, which DuckDB would run
-- as a nested loop over every posting.
with tokens as (
    select distinct stem(unnest(string_split_regex(regexp_replace(
        lower(strip_accents($1::varchar)), '[0-9!@#$%^&*()_+={}\[\]:;<>,.?~\\/\|''"`-]+', ' ', 'g'
    ), '\s+')), 'porter') as term
),

state as (
    select num_docs, total_len / num_docs as avgdl
    from search_state
    where num_docs > 0
),

-- Each query term's postings: a handful of row groups per sorted run (zone maps on term).
hits as materialized (
    select p.term, p.docid, p.tf, p.len
    from search_postings as p
    where p.term in (select term from tokens)
),

idf as (
    select h.term, log((s.num_docs - count(*) + 0.5) / (count(*) + 0.5) + 1) as idf
    from hits as h
    cross join state as s
    group by h.term, s.num_docs
),

scores as (
    select
        h.docid,
        sum(i.idf * (h.tf * 2.2 / (h.tf + 1.2 * (0.25 + 0.75 * (h.len / s.avgdl))))) as score
    from hits as h
    inner join idf as i on i.term = h.term
    cross join state as s
    group by h.docid
),

-- With no entity ($3 null) the filter below is constant false and DuckDB drops this
-- branch from the plan; likewise the day filter without a day.
named as (
    select r.name
    from entity_rollup as r
    where $3::varchar is not null and $3::varchar in (r.name, r.top_parent)
),

naming as (
    select d.docid
    from search_docs as d
    where d.article_id in (
        select m.article_id
        from mentions as m
        where m.entity in (select name from named)
    )
),

dated as (
    select docid
    from search_docs
    where $2::date is not null and day >= $2::date
),

eligible as materialized (
    select s.docid, s.score
    from scores as s
    where
        ($2::date is null or s.docid in (select docid from dated))
        and ($3::varchar is null or s.docid in (select docid from naming))
),

-- The limit-th best score: only articles scoring at least that can be among the best,
-- ties included, so only those are looked up for their dates and ids.
cutoff as (
    select min(score) as score
    from (select score from eligible order by score desc limit $4)
),

best as (
    select d.article_id, d.seen_at, e.score
    from eligible as e
    inner join search_docs as d on d.docid = e.docid
    where e.score >= (select score from cutoff)
    order by e.score desc, d.seen_at desc, d.article_id
    limit $4
),

final as (
    select
        b.article_id,
        a.title,
        a.canonical_url as url,
        a.sitename,
        b.seen_at,
        b.score,
        a.text
    from best as b
    inner join articles as a on a.article_id = b.article_id
    order by b.score desc, b.seen_at desc, b.article_id
)

select * from final
