-- Feeds with their health, for `newsmon status` and `newsmon feeds list`.
with feeds_now as (
    select
        *,
        case
            when not enabled then 'off'
            when disabled_reason is not null then 'disabled'
            when next_poll > now() then 'backing off'
            when last_status = 'error' then 'failing'
            when last_status is null then 'new'
            else 'ok'
        end as health
    from feeds
),

final as (
    select
        name,
        kind,
        url,
        source,
        enabled,
        health,
        last_status,
        last_http_status,
        last_success,
        consecutive_failures,
        round(coalesce(failure_weight, 0), 2) as failure_weight,
        last_failure_class,
        next_poll,
        coalesce(disabled_reason, last_error, bozo_reason) as note
    from feeds_now
    order by name
)

select * from final
