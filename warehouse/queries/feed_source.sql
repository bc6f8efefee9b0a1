select source from feeds where name = ?
