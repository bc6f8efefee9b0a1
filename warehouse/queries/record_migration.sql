insert into schema_migrations (version, name, applied_at) values (?, ?, now());
