-- (DuckLake: MERGE on the key, in place of insert ... on conflict do nothing.)
merge into mentions
using (
    select * from read_json(?, format = 'newline_delimited', columns = {
        article_id: 'varchar', entity: 'varchar', kind: 'varchar', surface: 'varchar',
        start_offset: 'integer', end_offset: 'integer', sentence_index: 'integer',
        discovered: 'boolean', tagger_version: 'varchar'
    })
) as m
on mentions.article_id = m.article_id and mentions.start_offset = m.start_offset
when not matched then insert;
