-- The mentions of those articles, as their tags were written (summary_added_mentions):
-- read from there, not from `mentions`, which has no index on the article.
create or replace temp table dirty_mentions as
select m.article_id, m.entity, m.kind
from summary_added_mentions as m
where m.article_id in (select article_id from dirty_originals)
