-- Drop the tags of the articles in temp table `retag_ids` (a retag replaces, never adds).
delete from mentions where article_id in (select article_id from retag_ids);
delete from deal_parties where article_id in (select article_id from retag_ids);
delete from deal_mentions where article_id in (select article_id from retag_ids);
delete from article_tags where article_id in (select article_id from retag_ids);
drop table retag_ids;
