insert into fetch_errors
select * from read_json(?, format = 'newline_delimited', columns = {
    run_id: 'varchar', occurred_at: 'timestamptz', stage: 'varchar', kind: 'varchar', url: 'varchar',
    feed_name: 'varchar', message: 'varchar'
});
