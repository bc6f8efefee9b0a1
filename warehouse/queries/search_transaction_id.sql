-- The transaction this statement runs in: the same for two statements of an open
-- transaction, a new one for each in autocommit (search._one_snapshot).
select current_transaction_id()
