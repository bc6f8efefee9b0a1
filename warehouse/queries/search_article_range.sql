-- The rowids of `articles`, for a rebuild to take them in slices.
select coalesce(max(rowid) + 1, 0) as rows
from articles
