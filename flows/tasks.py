"""Task options shared by the flows."""

from __future__ import annotations

from prefect.cache_policies import NONE

from warehouse.db import StoreBusy


def _busy(task, task_run, state) -> bool:
    """Retry a store task only when another process held the database too long."""
    try:
        state.result()
    except StoreBusy:
        return True
    except Exception:
        return False
    return False


STORE_TASK = {
    "cache_policy": NONE,
    "retries": 2,
    "retry_delay_seconds": 5,
    "retry_condition_fn": _busy,
}
