-- The index covers every original article: searches may use it.
update search_state set built = true;
