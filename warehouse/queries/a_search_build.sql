-- BM25 index over titles and texts: schema `fts_main_search_documents`, Porter stemmer,
-- English stopwords, accents stripped, lower-cased (the fts extension's defaults).
pragma create_fts_index('search_documents', 'article_id', 'title', 'text', overwrite = 1);
