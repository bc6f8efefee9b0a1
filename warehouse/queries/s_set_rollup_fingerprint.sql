-- Record the parent chains the roll-up summary is now built with.
delete from summary_state where name = 'rollup';

insert into summary_state
select 'rollup', cast(coalesce(bit_xor(hash(name, top_parent)), 0) as varchar)
from entity_rollup
where top_parent <> name;
