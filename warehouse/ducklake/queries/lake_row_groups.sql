-- The row-group size of `articles` set for the lake (lake_set_row_groups.sql), if it is.
select value
from newsmon.options()
where option_name = 'parquet_row_group_size' and scope = 'TABLE' and scope_entry = 'main.articles'
