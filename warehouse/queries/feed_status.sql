with final as (
    select
        name,
        url,
        source,
        enabled,
        last_status,
        last_http_status,
        last_success,
        consecutive_failures,
        next_poll,
        coalesce(disabled_reason, last_error, bozo_reason) as note
    from feeds
    order by name
)

select * from final
