-- New deals per day (by the day first reported) and type, with their stated amounts.
create or replace view deal_timeline as
with final as (
    select
        cast(timezone('UTC', first_seen) as date) as day,
        type,
        count(*) as deals,
        sum(amount_usd) as amount_usd
    from deal_ledger
    where not background_only
    group by all
    order by day, type
)

select * from final;
