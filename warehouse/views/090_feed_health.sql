-- Each feed's health: last poll, failures in a row and their weight, backoff (next poll),
-- whether it was disabled for failing and why, and the errors recorded for it.
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
        case
            when not f.enabled then 'off'
            when f.disabled_reason is not null then 'disabled'
            when f.next_poll > now() then 'backing off'
            when f.last_status = 'error' then 'failing'
            when f.last_status is null then 'new'
            else 'ok'
        end as health,
        f.last_status,
        f.last_http_status,
        f.consecutive_failures as failures,
        coalesce(f.failure_weight, 0) as failure_weight,
        f.last_failure_class,
        f.last_success,
        f.last_polled,
        f.next_poll,
        f.disabled_at,
        f.disabled_reason,
        coalesce(e.errors_total, 0) as errors_total,
        e.last_error_at,
        coalesce(f.disabled_reason, f.last_error) as last_error
    from feeds as f
    left join errors as e on e.feed_name = f.name
    order by f.name
)

select * from final;
