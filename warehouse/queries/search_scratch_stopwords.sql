select distinct sw as word
from fts_main_stopword_source.stopwords
order by sw
