-- Story signatures of the new on-topic original articles of one batch.
insert into story_signatures by name
select * from read_json(?, format = 'newline_delimited', columns = {
    article_id: 'varchar', story_id: 'varchar', seen_at: 'timestamptz',
    signature: 'uinteger[]'
});
