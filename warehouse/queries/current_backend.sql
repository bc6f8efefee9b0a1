-- The kind of database the connection is using: 'duckdb' (the embedded file) or 'ducklake'.
select type from duckdb_databases() where database_name = current_database()
