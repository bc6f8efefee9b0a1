-- (DuckLake: MERGE on the key, in place of insert ... on conflict do nothing.)
merge into deal_parties
using (
    select * from read_json(?, format = 'newline_delimited', columns = {
        article_id: 'varchar', deal_index: 'integer', party: 'varchar', role: 'varchar',
        stake: 'double', tagger_version: 'varchar'
    })
) as p
on
    deal_parties.article_id = p.article_id
    and deal_parties.deal_index = p.deal_index
    and deal_parties.party = p.party
when not matched then insert;
