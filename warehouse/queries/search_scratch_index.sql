-- An fts index over an empty table in a throw-away in-memory database: only to read the
-- extension's stopword list from it (warehouse.search.english_stopwords).
create table stopword_source (id integer, body varchar);
pragma create_fts_index('stopword_source', 'id', 'body', stopwords = 'english');
