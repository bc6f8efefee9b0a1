-- A feed's origin and its config switch: `feeds enable` and `feeds remove` read them first
-- (DuckLake has no RETURNING).
select source, enabled from feeds where name = ?
