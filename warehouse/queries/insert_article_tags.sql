-- Tags of a batch's articles. Their old rows were deleted first (tags.write_tags), so a
-- plain insert: DuckDB runs `on conflict` as a join with a scan of the whole table.
insert into article_tags
select * from read_json(?, format = 'newline_delimited', columns = {
    article_id: 'varchar', tagger_version: 'varchar', tagged_at: 'timestamptz',
    mentions: 'integer', deals: 'integer'
})
