-- Ask for a checkpoint when this connection's write transaction commits
-- (warehouse.db.ask_checkpoint): a session variable, gone with the connection.
set variable newsmon_checkpoint = true
