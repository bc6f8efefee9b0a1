-- Each feed's failures so far, which pipeline/health.py adds the next poll to.
select name, consecutive_failures, coalesce(failure_weight, 0) as failure_weight
from feeds
