-- The watchlist as data in the warehouse; discovered orgs are added, never overwrite it.
-- (DuckLake: MERGE on the name, in place of insert ... on conflict do update. A row is
-- rewritten only when the watchlist changed it: every ingest syncs the whole watchlist,
-- and each rewrite costs new files in the lake.)
merge into entities
using (
    select * from read_json(?, format = 'newline_delimited', columns = {
        name: 'varchar', kind: 'varchar', parent: 'varchar', aliases: 'varchar[]',
        discovered: 'boolean', first_seen: 'timestamptz'
    })
) as e
on entities.name = e.name
when matched and not e.discovered and (
    entities.discovered
    or entities.kind is distinct from e.kind
    or entities.parent is distinct from e.parent
    or entities.aliases is distinct from e.aliases
) then update set
    kind = e.kind,
    parent = e.parent,
    aliases = e.aliases,
    discovered = false
when not matched then insert (name, kind, parent, aliases, discovered, first_seen)
values (e.name, e.kind, e.parent, e.aliases, e.discovered, e.first_seen);
