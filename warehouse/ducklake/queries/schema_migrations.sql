-- DuckLake: no primary key (versions stay unique: migrations run under the writer lock).
create table if not exists schema_migrations (
    version    integer not null,
    name       varchar not null,
    applied_at timestamptz not null
);
