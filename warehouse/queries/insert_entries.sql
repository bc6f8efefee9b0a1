-- New feed entries become 'pending'; an entry seen before keeps its state.
insert into entries (
    entry_key, feed_name, url, guid, title, published, first_seen, listed_url, outlet, outlet_url
)
select * from read_json(?, format = 'newline_delimited', columns = {
    entry_key: 'varchar', feed_name: 'varchar', url: 'varchar', guid: 'varchar',
    title: 'varchar', published: 'timestamptz', first_seen: 'timestamptz',
    listed_url: 'varchar', outlet: 'varchar', outlet_url: 'varchar'
})
on conflict (entry_key) do nothing;
