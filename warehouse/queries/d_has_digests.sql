-- Whether the digest tables exist yet (a dry run does not migrate).
with final as (
    select count(*) > 0 as present
    from duckdb_tables()
    where table_name = 'digests' and schema_name = 'main'
)

select * from final
