-- New feed entries become 'pending'; an entry seen before keeps its state.
-- (DuckLake: MERGE on the key, in place of insert ... on conflict do nothing.)
merge into entries
using (
    select * from read_json(?, format = 'newline_delimited', columns = {
        entry_key: 'varchar', feed_name: 'varchar', url: 'varchar', guid: 'varchar',
        title: 'varchar', published: 'timestamptz', first_seen: 'timestamptz',
        listed_url: 'varchar', outlet: 'varchar', outlet_url: 'varchar'
    })
) as e
on entries.entry_key = e.entry_key
when not matched then insert (
    entry_key, feed_name, url, guid, title, published, first_seen, listed_url, outlet, outlet_url
)
values (
    e.entry_key, e.feed_name, e.url, e.guid, e.title, e.published, e.first_seen,
    e.listed_url, e.outlet, e.outlet_url
);
