-- The articles stored in this transaction whose tags are new (summaries.add): their
-- counts are added to the summaries, not recomputed with their days.
select distinct article_id from summary_added_articles
