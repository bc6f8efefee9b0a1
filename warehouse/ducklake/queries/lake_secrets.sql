-- How this process reaches the lake: the PostgreSQL catalog (its password from the
-- environment, kept in a temporary secret that DuckDB prints redacted) and the folder of
-- Parquet files. Values come in through variables set with bound parameters; ATTACH
-- itself takes no parameters.
create or replace temporary secret newsmon_pg (
    type postgres,
    password getvariable('newsmon_pg_password')
);

create or replace temporary secret newsmon_lake (
    type ducklake,
    metadata_path getvariable('newsmon_catalog'),
    data_path getvariable('newsmon_data_path'),
    metadata_parameters map {'TYPE': 'postgres', 'SECRET': 'newsmon_pg'}
);

reset variable newsmon_pg_password;
