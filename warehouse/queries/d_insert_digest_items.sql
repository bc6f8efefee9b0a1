insert into digest_items by name
select * from read_json(?, format = 'newline_delimited', columns = {
    digest_id: 'varchar', deal_key: 'varchar', rank: 'integer', is_update: 'boolean',
    status: 'varchar', amount_usd: 'double', amount_text: 'varchar', confirmed: 'boolean'
})
on conflict do nothing;
