-- Writers take turns: a PostgreSQL advisory lock in the catalog's database, held by this
-- process's catalog session until `lake_unlock` (or until the session ends, so a writer
-- that dies never leaves it taken). True when this process has it now.
select locked
from postgres_query(
    '__ducklake_metadata_newsmon', 'select pg_try_advisory_lock(1853321581, 1) as locked'
)
