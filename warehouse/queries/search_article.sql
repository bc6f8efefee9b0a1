-- One hit's article, by id ($1; $2 is its `seen_at` in the index, which DuckLake's version
-- of this query uses): a look-up in the primary key's index.
select title, canonical_url as url, sitename, text, $2::timestamptz as seen_at
from articles
where article_id = $1
