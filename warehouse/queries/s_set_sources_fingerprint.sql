-- Record the official and filing sources the deal summary is now built with, and mark
-- every deal for the refresh that follows.
delete from summary_state where name = 'sources';

insert into summary_state
select 'sources', cast(coalesce(bit_xor(hash(name, kind, entities)), 0) as varchar)
from feeds
where kind in ('official', 'filing');

insert into summary_dirty_deals
select distinct deal_key from deal_mentions;
