-- The tables `search_tokenize.sql` reads, in a throw-away in-memory database where a
-- batch's documents are split into terms before its write transaction
-- (`warehouse.search.tokenize`): docids counted from 0 (the transaction renumbers them
-- after its last docid), and the stopwords, filled by `search_insert_stopwords.sql`.
create table search_state (next_docid bigint not null);
insert into search_state values (0);
create table search_stopwords (word varchar not null);
