-- What the latest delivered digest or alert said about each of these deals (`?`: a list
-- of keys), and which kind it was.
with sent as (
    select
        i.deal_key,
        i.status,
        i.amount_usd,
        i.amount_text,
        coalesce(i.confirmed, false) as confirmed,
        coalesce(d.kind, 'digest') as kind,
        d.digest_id,
        coalesce(d.completed, d.created) as sent_at,
        d.created
    from digest_items as i
    inner join digests as d on d.digest_id = i.digest_id
    where d.status = 'sent' and list_contains(?::varchar[], i.deal_key)
),

final as (
    select deal_key, status, amount_usd, amount_text, digest_id, sent_at, kind, confirmed
    from sent
    qualify row_number() over (partition by deal_key order by created desc, digest_id) = 1
)

select * from final
