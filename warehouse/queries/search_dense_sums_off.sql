-- Back to DuckDB's default for this connection (search_dense_sums.sql).
reset session perfect_ht_threshold
