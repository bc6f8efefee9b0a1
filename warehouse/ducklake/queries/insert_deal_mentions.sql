-- (DuckLake: MERGE on the key, in place of insert ... on conflict do nothing.)
merge into deal_mentions
using (
    select * from read_json(?, format = 'newline_delimited', columns = {
        article_id: 'varchar', deal_index: 'integer', deal_key: 'varchar', type: 'varchar',
        status: 'varchar', parties: 'varchar[]', amount_usd: 'double', amount_text: 'varchar',
        amount_qualifier: 'varchar', valuation_usd: 'double', year: 'integer',
        background: 'boolean', name: 'varchar', sentence: 'varchar', sentence_index: 'integer',
        tagger_version: 'varchar'
    })
) as d
on deal_mentions.article_id = d.article_id and deal_mentions.deal_index = d.deal_index
when not matched then insert;
