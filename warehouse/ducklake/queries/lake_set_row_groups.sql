-- `articles` written in Parquet row groups of 2,048 rows (DuckDB's smallest; the default is
-- 122,880). A search fetches its ten best articles' texts by id, and a Parquet reader
-- decodes a whole row group's texts to return one: ten small row groups, not most of the
-- table. DuckLake refuses the option on a table created in the same transaction (a new
-- lake's migrations), so `LakeDatabase.migrate` sets it once they have committed. It
-- applies to data written from then on (batches, compaction), not to files already there.
call newsmon.set_option('parquet_row_group_size', 2048, table_name => 'articles')
