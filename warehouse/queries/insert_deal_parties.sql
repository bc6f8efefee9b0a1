insert into deal_parties
select * from read_json(?, format = 'newline_delimited', columns = {
    article_id: 'varchar', deal_index: 'integer', party: 'varchar', role: 'varchar',
    stake: 'double', tagger_version: 'varchar'
})
on conflict do nothing;
