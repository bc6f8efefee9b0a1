-- The stopwords the index drops, sorted: a batch's terms counted before its transaction
-- are used only when they were counted with these (`warehouse.search.add_articles`).
select word
from search_stopwords
order by word
