-- Which of these article ids ($1) are stored already (on DuckLake, which has no
-- RETURNING, the store asks this before it inserts a batch).
select article_id
from articles
where article_id in (select unnest(?::varchar[]))
