select count(*) from search_stopwords
