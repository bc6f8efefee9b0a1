-- The name the open file goes by in this connection (its catalog).
select current_database()
