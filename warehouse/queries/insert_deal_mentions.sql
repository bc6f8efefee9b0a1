-- Tags of a batch's articles. Their old rows were deleted first (tags.write_tags), so a
-- plain insert: DuckDB runs `on conflict` as a join with a scan of the whole table.
insert into deal_mentions
select * from read_json(?, format = 'newline_delimited', columns = {
    article_id: 'varchar', deal_index: 'integer', deal_key: 'varchar', type: 'varchar',
    status: 'varchar', parties: 'varchar[]', amount_usd: 'double', amount_text: 'varchar',
    amount_qualifier: 'varchar', valuation_usd: 'double', year: 'integer',
    background: 'boolean', name: 'varchar', sentence: 'varchar', sentence_index: 'integer',
    tagger_version: 'varchar'
})
