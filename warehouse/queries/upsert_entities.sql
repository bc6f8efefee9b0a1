-- The watchlist as data in the warehouse; discovered orgs are added, never overwrite it.
insert into entities (name, kind, parent, aliases, discovered, first_seen)
select * from read_json(?, format = 'newline_delimited', columns = {
    name: 'varchar', kind: 'varchar', parent: 'varchar', aliases: 'varchar[]',
    discovered: 'boolean', first_seen: 'timestamptz'
})
on conflict (name) do update set
    kind = case when excluded.discovered then entities.kind else excluded.kind end,
    parent = case when excluded.discovered then entities.parent else excluded.parent end,
    aliases = case when excluded.discovered then entities.aliases else excluded.aliases end,
    discovered = entities.discovered and excluded.discovered;
