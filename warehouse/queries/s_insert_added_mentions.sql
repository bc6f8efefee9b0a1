-- Their mentions (entity and kind), as written to `mentions`, for the next refresh.
insert into summary_added_mentions
select * from read_json(?, format = 'newline_delimited', columns = {
    article_id: 'varchar', entity: 'varchar', kind: 'varchar'
})
