-- One row per deal (by deal key) across all outlets that reported it: syndicated copies
-- count as sources too. Status is the latest reported; the amount is the one stated most
-- often (ties: the latest). `background_only` marks deals only ever restated as history.
-- Read from summary_deals (kept current with every write: warehouse/summaries.py, whose
-- warehouse/queries/s_refresh_deals.sql says how each column is made).
create or replace view deal_ledger as
with final as (
    select *
    from summary_deals
    order by first_seen, deal_key
)

select * from final;
