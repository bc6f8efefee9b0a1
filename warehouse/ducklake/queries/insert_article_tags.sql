-- (DuckLake: MERGE on the key, in place of insert ... on conflict do update.)
merge into article_tags
using (
    select * from read_json(?, format = 'newline_delimited', columns = {
        article_id: 'varchar', tagger_version: 'varchar', tagged_at: 'timestamptz',
        mentions: 'integer', deals: 'integer'
    })
) as t
on article_tags.article_id = t.article_id
when matched then update set
    tagger_version = t.tagger_version,
    tagged_at = t.tagged_at,
    mentions = t.mentions,
    deals = t.deals
when not matched then insert;
