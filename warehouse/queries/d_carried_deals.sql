-- Which of these deals (`?`: a list of keys) a digest or an alert has carried already, sent
-- or still pending: an alert goes out only for deals none has.
with final as (
    select distinct i.deal_key
    from digest_items as i
    inner join digests as d on d.digest_id = i.digest_id
    where list_contains(?::varchar[], i.deal_key) and d.status in ('sent', 'pending')
)

select * from final
