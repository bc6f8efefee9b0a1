-- Register feeds from the config (or the CLI). A feed is known by its name, so a moved
-- URL keeps the feed's history; its validators are kept too (a server that does not
-- recognise an ETag simply answers 200). (DuckLake: MERGE on the name, in place of
-- insert ... on conflict do update; `added_at` is set here, as DuckLake has no now()
-- default; a row is rewritten only when its URL or switch changed.)
merge into feeds
using (
    select * from read_json(?, format = 'newline_delimited', columns = {
        name: 'varchar', url: 'varchar', source: 'varchar', enabled: 'boolean'
    })
) as f
on feeds.name = f.name
when matched and (feeds.url <> f.url or feeds.enabled <> f.enabled) then update set
    url = f.url,
    enabled = f.enabled
when not matched then insert (name, url, source, enabled, added_at)
values (f.name, f.url, f.source, f.enabled, now());
