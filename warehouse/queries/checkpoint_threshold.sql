-- The write-ahead log size at which DuckDB checkpoints on commit (storage.checkpoint_wal_mb).
set checkpoint_threshold = ?
