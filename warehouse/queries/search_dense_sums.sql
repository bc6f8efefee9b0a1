-- For this connection: sum postings per article in DuckDB's perfect hash table (an array
-- indexed by docid, which are dense numbers) rather than a hash table, when the docids
-- span at most 2^22 (about 4 M articles: an array of some 100 MB at most); beyond that
-- DuckDB keeps its hash table. Half the time of a search that matches most articles.
set session perfect_ht_threshold = 22
