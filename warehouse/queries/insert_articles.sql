-- Articles of one batch. The first stored version of an article wins: a re-run changes
-- nothing. The ids already stored are looked up in the primary key's index (`?keys`:
-- one placeholder per id of the batch), and only the others are inserted: DuckDB runs
-- `on conflict` as a join with a scan of the whole table. Returns the ids it stored, so
-- the search index takes exactly those.
insert into articles by name
with batch as (
    select * from read_json(?, format = 'newline_delimited', columns = {
        article_id: 'varchar', url: 'varchar', canonical_url: 'varchar', feed_name: 'varchar',
        title: 'varchar', author: 'varchar', published: 'timestamptz', sitename: 'varchar',
        language: 'varchar', text: 'varchar', content_hash: 'varchar', raw_hash: 'varchar',
        duplicate_of: 'varchar', extractor_version: 'varchar', fetched_at: 'timestamptz',
        stored_at: 'timestamptz', run_id: 'varchar', off_topic: 'boolean', story_id: 'varchar'
    })
),

stored as (
    select article_id
    from articles
    where article_id in (?keys)
),

final as (
    select *
    from batch
    where article_id not in (select article_id from stored)
)

select * from final
returning article_id;
