-- Whether the index has been built, and how long its unsorted tail is.
select built, tail_postings, num_docs
from search_state
