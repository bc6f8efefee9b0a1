delete from feeds where name = ? and source = 'cli';
