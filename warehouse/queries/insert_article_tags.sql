insert into article_tags
select * from read_json(?, format = 'newline_delimited', columns = {
    article_id: 'varchar', tagger_version: 'varchar', tagged_at: 'timestamptz',
    mentions: 'integer', deals: 'integer'
})
on conflict (article_id) do update set
    tagger_version = excluded.tagger_version,
    tagged_at = excluded.tagged_at,
    mentions = excluded.mentions,
    deals = excluded.deals;
