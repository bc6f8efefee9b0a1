-- (DuckLake: MERGE on the key, in place of insert ... on conflict do nothing.)
merge into digest_items
using (
    select * from read_json(?, format = 'newline_delimited', columns = {
        digest_id: 'varchar', deal_key: 'varchar', rank: 'integer', is_update: 'boolean',
        status: 'varchar', amount_usd: 'double', amount_text: 'varchar'
    })
) as i
on digest_items.digest_id = i.digest_id and digest_items.deal_key = i.deal_key
when not matched then insert;
