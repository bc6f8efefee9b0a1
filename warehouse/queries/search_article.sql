-- One hit's article, by id ($1): the embedded file looks it up in the primary key's index;
-- DuckLake pushes the equality into its Parquet scan, so it decodes the texts of the row
-- groups that can hold the id (its row groups of `articles` are small: lake.py), not of
-- every row group, as a join with the ten best ids would.
select title, canonical_url as url, sitename, text
from articles
where article_id = ?
