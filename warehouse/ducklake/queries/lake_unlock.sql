-- Give the writer's turn back. False when the lock is held by another session of this
-- process's pool (the caller then detaches the lake, which ends those sessions).
select unlocked
from postgres_query(
    '__ducklake_metadata_newsmon', 'select pg_advisory_unlock(1853321581, 1) as unlocked'
)
