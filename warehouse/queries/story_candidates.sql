-- The stored articles that share an LSH band key with the new ones (`$1`, a list of keys),
-- dated within the window [`$2`, `$3`): their story and signature. Both tables are read by
-- a plain range on `seen_at` first (zone maps: rows arrive roughly in date order), so the
-- look-up reads the window's row groups, not the whole history.
with wanted as (
    select unnest($1::ubigint[]) as band_key
),

hits as (
    select distinct b.article_id
    from story_bands as b
    where b.seen_at >= $2 and b.seen_at < $3 and b.band_key in (select band_key from wanted)
),

final as (
    select s.article_id, s.story_id, s.signature
    from story_signatures as s
    where s.seen_at >= $2 and s.seen_at < $3 and s.article_id in (select article_id from hits)
)

select * from final
