-- (DuckLake: MERGE on the key, in place of insert ... on conflict do nothing.)
merge into ingest_runs
using (select ?::varchar as run_id, ?::varchar as flow_run_id, ?::timestamptz as started_at) as r
on ingest_runs.run_id = r.run_id
when not matched then insert (run_id, flow_run_id, started_at, status)
values (r.run_id, r.flow_run_id, r.started_at, 'running');
