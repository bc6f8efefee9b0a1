insert into digest_items
select * from read_json(?, format = 'newline_delimited', columns = {
    digest_id: 'varchar', deal_key: 'varchar', rank: 'integer', is_update: 'boolean',
    status: 'varchar', amount_usd: 'double', amount_text: 'varchar'
})
on conflict do nothing;
