insert into mentions
select * from read_json(?, format = 'newline_delimited', columns = {
    article_id: 'varchar', entity: 'varchar', kind: 'varchar', surface: 'varchar',
    start_offset: 'integer', end_offset: 'integer', sentence_index: 'integer',
    discovered: 'boolean', tagger_version: 'varchar'
})
on conflict do nothing;
