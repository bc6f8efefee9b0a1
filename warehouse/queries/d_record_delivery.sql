insert into digest_deliveries (
    digest_id, channel, status, attempts, last_attempt, delivered_at, detail
)
values (?, ?, ?, 1, ?, ?, ?)
on conflict (digest_id, channel) do update set
    status = excluded.status,
    attempts = digest_deliveries.attempts + 1,
    last_attempt = excluded.last_attempt,
    delivered_at = excluded.delivered_at,
    detail = excluded.detail;
