-- The first marked day's midnight and the midnight after the last (UTC): the refresh
-- hands them back as constants, so the scans of `articles` below skip row groups.
select
    cast(min(day) as timestamp) at time zone 'UTC' as lo,
    cast(max(day) + 1 as timestamp) at time zone 'UTC' as hi
from summary_dirty_days
