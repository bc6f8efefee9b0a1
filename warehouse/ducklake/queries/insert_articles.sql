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
        stored_at: 'timestamptz', run_id: 'varchar', off_topic: 'boolean', story_id: 'varchar'
    })
) as batch
on articles.article_id = batch.article_id
when not matched then insert (
    article_id, url, canonical_url, feed_name, title, author, published, sitename, language,
    text, content_hash, raw_hash, duplicate_of, extractor_version, fetched_at, stored_at,
    run_id, off_topic, story_id
)
values (
    batch.article_id, batch.url, batch.canonical_url, batch.feed_name, batch.title,
    batch.author, batch.published, batch.sitename, batch.language, batch.text,
    batch.content_hash, batch.raw_hash, batch.duplicate_of, batch.extractor_version,
    batch.fetched_at, batch.stored_at, batch.run_id, batch.off_topic, batch.story_id
);
