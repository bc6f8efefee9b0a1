-- LSH band keys of the new on-topic original articles of one batch.
insert into story_bands by name
select * from read_json(?, format = 'newline_delimited', columns = {
    band_key: 'ubigint', article_id: 'varchar', seen_at: 'timestamptz'
});
