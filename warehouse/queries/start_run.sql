insert into ingest_runs (run_id, flow_run_id, started_at, status)
values (?, ?, ?, 'running')
on conflict (run_id) do nothing;
