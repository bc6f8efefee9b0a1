-- The storage format of the open file, as DuckDB tags it (`v1.0.0+`, `v1.4.0+`).
select tags['storage_version'] as storage_version
from duckdb_databases()
where database_name = current_database()
