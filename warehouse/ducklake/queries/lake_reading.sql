-- Keep the Parquet files' footers in memory once read: DuckLake never changes a file it
-- has written, and a search looks up each of its hits in `articles` by key, each look-up
-- otherwise parsing the footer (every row group's statistics) again.
set parquet_metadata_cache = true
