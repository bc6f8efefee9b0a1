-- Every table (with its keys), view and row of the open file (`(?source)`, its catalog
-- name, quoted) into the upgraded copy.
copy from database (?source) to newsmon_upgrade
