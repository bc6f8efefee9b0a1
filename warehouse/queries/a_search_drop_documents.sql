drop table if exists search_documents;
