select count(*) from entries
