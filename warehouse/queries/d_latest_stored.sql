-- The latest ingest time: the watermark a digest built now covers up to.
with final as (
    select max(stored_at) as latest
    from articles
)

select * from final
