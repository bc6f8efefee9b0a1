-- Each feed's last poll, consecutive failures, errors recorded, and when it is next due.
create or replace view feed_health as
with errors as (
    select feed_name, count(*) as errors_total, max(occurred_at) as last_error_at
    from fetch_errors
    group by all
),

final as (
    select
        f.name as feed,
        f.url,
        f.enabled,
        f.last_status,
        f.last_http_status,
        f.consecutive_failures as failures,
        f.last_success,
        f.last_polled,
        f.next_poll,
        coalesce(e.errors_total, 0) as errors_total,
        e.last_error_at,
        coalesce(f.disabled_reason, f.last_error) as last_error
    from feeds as f
    left join errors as e on e.feed_name = f.name
    order by f.name
)

select * from final;
