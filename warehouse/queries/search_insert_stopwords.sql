-- The fts extension's stopword list, read from the extension (warehouse.search.prepare).
insert into search_stopwords
select unnest(?::varchar[]) as word
