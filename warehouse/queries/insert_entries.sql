-- Entries of a poll. An entry seen before keeps its row: the keys already stored are
-- looked up in the primary key's index (`?keys`: one placeholder per key of the
-- batch) and only the others are inserted (DuckDB runs `on conflict` as a join with a
-- scan of the whole table).
insert into entries (
    entry_key, feed_name, url, guid, title, published, first_seen, listed_url, outlet, outlet_url
)
with batch as (
    select * from read_json(?, format = 'newline_delimited', columns = {
        entry_key: 'varchar', feed_name: 'varchar', url: 'varchar', guid: 'varchar',
        title: 'varchar', published: 'timestamptz', first_seen: 'timestamptz',
        listed_url: 'varchar', outlet: 'varchar', outlet_url: 'varchar'
    })
),

stored as (
    select entry_key
    from entries
    where entry_key in (?keys)
),

final as (
    select *
    from batch
    where entry_key not in (select entry_key from stored)
)

select * from final;
