-- newsmon's own bookkeeping in the lake, outside the `main` schema the analysts read:
-- one row that every write transaction updates (`lake_claim_turn`). Two transactions that
-- both update it conflict in DuckLake, so at most one of two overlapping writers commits.
create schema if not exists newsmon_internal;

create table if not exists newsmon_internal.writer_turns (
    turns bigint not null
);

insert into newsmon_internal.writer_turns
select 0 as turns
where not exists (select 1 from newsmon_internal.writer_turns);
