-- Register feeds from the config (or the CLI). A feed is known by its name, so a moved
-- URL keeps the feed's history; its validators are kept too (a server that does not
-- recognise an ETag simply answers 200). (DuckLake: MERGE on the name, in place of
-- insert ... on conflict do update; `added_at` is set here, as DuckLake has no now()
-- default; a row is rewritten only when its URL, switch, kind or entities changed.)
merge into feeds
using (
    select * from read_json(?, format = 'newline_delimited', columns = {
        name: 'varchar', url: 'varchar', source: 'varchar', enabled: 'boolean',
        kind: 'varchar', entities: 'varchar[]'
    })
) as f
on feeds.name = f.name
when matched and (
    feeds.url <> f.url
    or feeds.enabled <> f.enabled
    or feeds.kind is distinct from f.kind
    or feeds.entities is distinct from f.entities
) then update set
    url = f.url,
    enabled = f.enabled,
    kind = f.kind,
    entities = f.entities
when not matched then insert (name, url, source, enabled, kind, entities, added_at)
values (f.name, f.url, f.source, f.enabled, f.kind, f.entities, now());
