insert into digests (
    digest_id, created, period_start, watermark, status, channels, deal_keys, content, completed,
    kind
)
values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?);
