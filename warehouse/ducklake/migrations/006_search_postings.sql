-- Full-text search from postings newsmon keeps itself (warehouse/search.py), in place of
-- the fts extension's index, which can only be rebuilt whole. Each batch adds its new
-- original articles here in the transaction that stores them. The tables hold raw
-- counts only: a term's document frequency, the number of documents and their average
-- length change with every batch, so BM25's idf and length normalisation are computed
-- when a query runs, from `search_state` and the postings it reads; the scores are the
-- same as an index built at once over the same articles.

-- DuckLake version of migrations/006_search_postings.sql: no fts index to drop (DuckLake
-- never held one) and no index on content hashes (DuckLake has none).

-- The fts extension's English stopword list, copied from the extension by
-- `warehouse.search.prepare` (so the tokenizer matches the extension's exactly).
create table search_stopwords (word varchar not null);

-- One row per indexed original article: its length in index terms and its day, so a
-- search filters and ranks without reading `articles`.
create table search_docs (
    docid      bigint not null,
    article_id varchar not null,
    len        integer not null,
    seen_at    timestamptz not null,
    day        date not null
);

-- One row per (term, article): how often the stemmed term occurs in title and text, and
-- the article's length (so a score needs no join). Stored in runs, each sorted by term:
-- a query reads only the row groups of its own terms (zone maps). New postings go to the
-- end; when they pass a bound (search.RUN_POSTINGS) they are sorted into a run of their own.
create table search_postings (
    term  varchar not null,
    docid bigint not null,
    tf    integer not null,
    len   integer not null
);

-- The aggregates BM25 needs (documents, total length), the next docid, where the unsorted
-- tail of the postings starts and how long it is, and whether the index has been built.
create table search_state (
    num_docs      bigint not null,
    total_len     bigint not null,
    next_docid    bigint not null,
    tail_docid    bigint not null,
    tail_postings bigint not null,
    built         boolean not null
);

insert into search_state values (0, 0, 0, 0, 0, false);

