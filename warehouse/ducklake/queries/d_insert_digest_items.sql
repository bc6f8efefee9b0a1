-- (DuckLake: MERGE on the key, in place of insert ... on conflict do nothing.)
merge into digest_items
using (
    select * from read_json(?, format = 'newline_delimited', columns = {
        digest_id: 'varchar', deal_key: 'varchar', rank: 'integer', is_update: 'boolean',
        status: 'varchar', amount_usd: 'double', amount_text: 'varchar', confirmed: 'boolean'
    })
) as i
on digest_items.digest_id = i.digest_id and digest_items.deal_key = i.deal_key
when not matched then insert (
    digest_id, deal_key, rank, is_update, status, amount_usd, amount_text, confirmed
)
values (
    i.digest_id, i.deal_key, i.rank, i.is_update, i.status, i.amount_usd, i.amount_text,
    i.confirmed
);
