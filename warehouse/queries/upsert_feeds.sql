-- Register feeds from the config (or the CLI). A feed is known by its name, so a moved
-- URL keeps the feed's history; its validators are kept too (a server that does not
-- recognise an ETag simply answers 200).
insert into feeds (name, url, source, enabled, kind, entities)
select * from read_json(?, format = 'newline_delimited', columns = {
    name: 'varchar', url: 'varchar', source: 'varchar', enabled: 'boolean',
    kind: 'varchar', entities: 'varchar[]'
})
on conflict (name) do update set
    url = excluded.url,
    enabled = excluded.enabled,
    kind = excluded.kind,
    entities = excluded.entities;
