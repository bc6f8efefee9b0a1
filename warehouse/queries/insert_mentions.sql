-- Tags of a batch's articles. Their old rows were deleted first (tags.write_tags), so a
-- plain insert: DuckDB runs `on conflict` as a join with a scan of the whole table.
insert into mentions
select * from read_json(?, format = 'newline_delimited', columns = {
    article_id: 'varchar', entity: 'varchar', kind: 'varchar', surface: 'varchar',
    start_offset: 'integer', end_offset: 'integer', sentence_index: 'integer',
    discovered: 'boolean', tagger_version: 'varchar'
})
