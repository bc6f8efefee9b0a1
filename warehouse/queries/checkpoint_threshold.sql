-- DuckDB's own checkpoint threshold (a log size): a writer here sets it out of reach and
-- checkpoints in a hold of its own (warehouse/db.py).
set checkpoint_threshold = ?
