-- One hit's article by id alone (DuckLake: when search_article.sql finds none, the
-- article having no publish time).
select title, canonical_url as url, sitename, text, fetched_at as seen_at
from articles
where article_id = ?
