-- One row per deal (by deal key) across all outlets that reported it: syndicated copies
-- count as sources too. Status is the latest reported; the amount is the one stated most
-- often (ties: the latest). `background_only` marks deals only ever restated as history.
-- `stories` counts the near-duplicate stories among its articles; `confirmed_by`,
-- `confirmed_at` and `confirmed_url` name the official or filing source of one of its
-- parties that stated it first. Deals reported by on-topic articles only, unless the
-- session asks for all (`set variable include_off_topic = true`).
-- Read from summary_deals (kept current with every write: warehouse/summaries.py, whose
-- warehouse/queries/s_refresh_deals.sql says how each column is made).
create or replace view deal_ledger as
with final as (
    select *
    from summary_deals
    where on_topic or coalesce(getvariable('include_off_topic'), false)
    order by first_seen, deal_key
)

select * from final;
