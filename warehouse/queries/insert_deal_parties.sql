-- Tags of a batch's articles. Their old rows were deleted first (tags.write_tags), so a
-- plain insert: DuckDB runs `on conflict` as a join with a scan of the whole table.
insert into deal_parties
select * from read_json(?, format = 'newline_delimited', columns = {
    article_id: 'varchar', deal_index: 'integer', party: 'varchar', role: 'varchar',
    stake: 'double', tagger_version: 'varchar'
})
