create temp table retag_ids as select unnest(?::varchar[]) as article_id;
