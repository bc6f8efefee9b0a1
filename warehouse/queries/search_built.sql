-- The index covers every original article, in sorted runs (one per slice of the
-- rebuild): searches may use it, and the tail to sort starts after it.
update search_state set built = true, tail_docid = next_docid, tail_postings = 0;
