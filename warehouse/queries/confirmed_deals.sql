-- Deals an official or filing source of one of their parties has stated.
with final as (
    select type, parties, status, confirmed_by, cast(confirmed_at as date) as confirmed_on
    from deal_ledger
    where confirmed_at is not null
    order by confirmed_at, deal_key
)

select * from final
