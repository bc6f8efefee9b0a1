update ingest_runs set
    finished_at = ?, status = ?, feeds_polled = ?, feeds_not_modified = ?, feeds_failed = ?,
    entries_new = ?, pages_fetched = ?, articles_stored = ?, duplicates = ?, errors = ?,
    off_topic = ?
where run_id = ?;
