-- The tables and views of the main schema, as `newsmon export` writes them (the internal
-- schemas of extensions, such as the full-text index, are left out).
with tables as (
    select table_name as name, 'table' as kind
    from duckdb_tables()
    where
        database_name = current_database()
        and schema_name = 'main'
        and not internal
        and not temporary
),

views as (
    select view_name as name, 'view' as kind
    from duckdb_views()
    where
        database_name = current_database()
        and schema_name = 'main'
        and not internal
        and not temporary
),

final as (
    select name, kind from tables
    union all
    select name, kind from views
    order by kind, name
)

select * from final
