-- Articles stored in this transaction with new tags: the next refresh adds their counts.
insert into summary_added_articles
select unnest(?::varchar[]) as article_id
