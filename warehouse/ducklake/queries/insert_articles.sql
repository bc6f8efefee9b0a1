-- Articles of one batch. The first stored version of an article wins: a re-run changes
-- nothing. (DuckLake: MERGE on the key, in place of insert ... on conflict do nothing.)
-- (DuckLake has no RETURNING: `articles_present` tells beforehand which are stored.)
merge into articles
using (
    select * from read_json(?, format = 'newline_delimited', columns = {
        article_id: 'varchar', url: 'varchar', canonical_url: 'varchar', feed_name: 'varchar',
        title: 'varchar', author: 'varchar', published: 'timestamptz', sitename: 'varchar',
        language: 'varchar', text: 'varchar', content_hash: 'varchar', raw_hash: 'varchar',
        duplicate_of: 'varchar', extractor_version: 'varchar', fetched_at: 'timestamptz',
        stored_at: 'timestamptz', run_id: 'varchar'
    })
) as batch
on articles.article_id = batch.article_id
when not matched then insert;
