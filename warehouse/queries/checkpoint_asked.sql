-- Whether this connection's transaction asked for a checkpoint (ask_checkpoint.sql).
select coalesce(getvariable('newsmon_checkpoint'), false)
