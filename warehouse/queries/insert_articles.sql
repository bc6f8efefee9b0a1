-- Articles of one batch. The first stored version of an article wins: a re-run changes nothing.
-- Returns the ids it stored, so the search index takes exactly those.
insert into articles
select * from read_json(?, format = 'newline_delimited', columns = {
    article_id: 'varchar', url: 'varchar', canonical_url: 'varchar', feed_name: 'varchar',
    title: 'varchar', author: 'varchar', published: 'timestamptz', sitename: 'varchar',
    language: 'varchar', text: 'varchar', content_hash: 'varchar', raw_hash: 'varchar',
    duplicate_of: 'varchar', extractor_version: 'varchar', fetched_at: 'timestamptz',
    stored_at: 'timestamptz', run_id: 'varchar'
})
on conflict (article_id) do nothing
returning article_id;
