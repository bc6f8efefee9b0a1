-- Whether the full-text index has been built whole (its postings, made last, exist).
with index_tables as (
    select table_name
    from duckdb_tables()
    where schema_name = 'fts_main_search_documents' and table_name = 'postings'
),

final as (
    select count(*) > 0 as index_exists
    from index_tables
)

select * from final
