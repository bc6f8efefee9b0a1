-- The attempts made so far on a batch's entries (`?keys`: one placeholder per key, looked
-- up in the primary key's index), for the back-off of those that fail again.
select entry_key, attempts
from entries
where entry_key in (?keys)
