-- (DuckLake: MERGE on the key, in place of insert ... on conflict do update.)
merge into digest_deliveries
using (
    select
        ?::varchar as digest_id,
        ?::varchar as channel,
        ?::varchar as status,
        ?::timestamptz as last_attempt,
        ?::timestamptz as delivered_at,
        ?::varchar as detail
) as d
on digest_deliveries.digest_id = d.digest_id and digest_deliveries.channel = d.channel
when matched then update set
    status = d.status,
    attempts = digest_deliveries.attempts + 1,
    last_attempt = d.last_attempt,
    delivered_at = d.delivered_at,
    detail = d.detail
when not matched then insert (
    digest_id, channel, status, attempts, last_attempt, delivered_at, detail
)
values (d.digest_id, d.channel, d.status, 1, d.last_attempt, d.delivered_at, d.detail);
