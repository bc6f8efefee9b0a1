-- Empty the index before a rebuild (the stopwords stay; terms are numbered anew).
delete from search_postings;
delete from search_docs;
delete from search_terms;
update search_state set
    num_docs = 0, total_len = 0, next_docid = 0, tail_docid = 0, tail_postings = 0, built = false;
