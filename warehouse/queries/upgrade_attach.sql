-- A new file for the upgraded copy (`Database.upgrade_storage`), in the storage format
-- given. DuckDB binds no parameter in ATTACH: `(?path)` and `(?version)` are replaced
-- by quoted literals.
attach (?path) as newsmon_upgrade (storage_version (?version))
