-- One hit's article, by id ($1) and publish time ($2, its `seen_at` in the index). Both
-- equalities reach DuckLake's Parquet scan (a join with the ten best ids would not: the
-- scan would decode the texts of every row group it cannot rule out): the time rules out
-- the files and row groups whose range of publish times misses it, the id the rest, so
-- the texts of about one small row group are decoded (lake.py). An article with no
-- publish time (`seen_at` is then its fetch time) is found by search_article_by_id.
select title, canonical_url as url, sitename, text, published as seen_at
from articles
where article_id = $1 and published = $2
