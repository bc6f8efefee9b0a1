-- Sources: what kind of source a feed is (the catalogue's kinds, pipeline/data/sources.toml)
-- and the companies it speaks for or covers; and, for an item of a search or alert feed,
-- the aggregator's link as listed (the entry's `url` is the publisher's URL behind it) and
-- the outlet the item names.
alter table feeds add column kind varchar;           -- official | filing | press | search
alter table feeds add column entities varchar[];
alter table entries add column listed_url varchar;
alter table entries add column outlet varchar;
alter table entries add column outlet_url varchar;
